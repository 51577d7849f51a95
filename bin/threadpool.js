// Each running DuckDB or chdb query holds one of libuv's threads, and the spool's writes and
// fsyncs need one too: with the default 4, four slow reads would stall acknowledgements. This
// runs before anything touches the pool (libuv reads it once, at first use).
process.env.UV_THREADPOOL_SIZE ??= '16';
