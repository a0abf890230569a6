/**
 * Quantization vocabulary shared by every config: dtypes with their value bounds, mapping
 * types, zero-point domains, granularities and packing formats, named as in torchao.
 */
package dev.jao.quant;
