/**
 * A minimal module tree (torch's {@code nn.Module} shape): {@link dev.jao.nn.Module},
 * {@link dev.jao.nn.Linear}, {@link dev.jao.nn.Sequential}, and the quantized layers that
 * replace linears.
 */
package dev.jao.nn;
