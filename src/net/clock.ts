/**
 * The wall clock the CLI and the transports hand to the TLS core, which reads none itself
 * (Context option `now`, the `nowSeconds` arguments of the session decoders).
 */
export const systemClock = (): number => Date.now();
