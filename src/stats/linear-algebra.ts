/**
 * Dense linear algebra for the models' small systems (tens to a few hundred unknowns), on ml-matrix:
 * Cholesky factors, inverses and least squares. Plain number[][] in and out, so callers stay free of
 * the library's types.
 */
import { CholeskyDecomposition, inverse, Matrix } from 'ml-matrix';

export type Mat = number[][];

/** The symmetric matrix a lower triangle describes (only a[i][j] with j ≤ i is read). */
function symmetricFromLower(a: Mat): Matrix {
  const n = a.length;
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      m.set(i, j, a[i]![j]!);
      m.set(j, i, a[i]![j]!);
    }
  }
  return m;
}

/** Lower Cholesky factor of a symmetric positive-definite matrix (lower triangle read), or null if not SPD. */
export function cholesky(a: Mat): Mat | null {
  const c = new CholeskyDecomposition(symmetricFromLower(a));
  return c.isPositiveDefinite() ? c.lowerTriangularMatrix.to2DArray() : null;
}

/** Inverse of a symmetric positive-definite matrix through its Cholesky factor. */
export function invertSpd(a: Mat): Mat {
  const c = new CholeskyDecomposition(symmetricFromLower(a));
  if (!c.isPositiveDefinite()) throw new Error('design matrix is singular (collinear regressors or too few observations)');
  return c.solve(Matrix.eye(a.length)).to2DArray();
}

/** Inverse of a general square matrix (LU with partial pivoting), or null when it is singular. */
export function invert(a: Mat): Mat | null {
  try {
    const inv = inverse(new Matrix(a)).to2DArray();
    return inv.every((row) => row.every(Number.isFinite)) ? inv : null;
  } catch {
    return null; // ml-matrix throws on an exactly singular LU
  }
}

export function matVec(a: Mat, v: readonly number[]): number[] {
  return a.map((row) => dot(row, v));
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export interface OlsFit {
  beta: number[];
  residuals: number[];
  /** (XᵀX)⁻¹ */
  xtxInv: Mat;
  /** Residual variance, SSR / (n − k). */
  sigma2: number;
  df: number;
}

/**
 * Ordinary least squares via the normal equations, solved by Cholesky; callers keep columns well
 * scaled. XᵀX is accumulated here in one pass over the rows, which is the costly part for the long
 * daily panels the lift methods fit.
 */
export function ols(x: Mat, y: readonly number[]): OlsFit {
  const n = x.length;
  const k = x[0]?.length ?? 0;
  if (n <= k) throw new Error(`need more observations (${n}) than regressors (${k})`);
  const xtx: Mat = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const xty = new Array<number>(k).fill(0);
  for (let r = 0; r < n; r++) {
    const row = x[r]!;
    const yr = y[r]!;
    for (let i = 0; i < k; i++) {
      const xi = row[i]!;
      xty[i]! += xi * yr;
      for (let j = 0; j <= i; j++) xtx[i]![j]! += xi * row[j]!;
    }
  }
  const xtxInv = invertSpd(xtx);
  const beta = matVec(xtxInv, xty);
  const residuals = x.map((row, r) => y[r]! - dot(row, beta));
  const ssr = dot(residuals, residuals);
  return { beta, residuals, xtxInv, sigma2: ssr / (n - k), df: n - k };
}
