/**
 * Every model-driven audience source, registered by importing its module once. Imported by the
 * audience sync, routes and CLI; the analysis modules themselves do not register sources, so the
 * registry (which members.ts reads) and members.ts never import each other at start-up.
 */
import '../predictions/propensity-audience.ts';
import '../personas/audience.ts';
import '../uplift/audience.ts';
import '../experiments/audience.ts';
