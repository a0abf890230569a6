package dev.jao.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jao.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Block sizes other than (1, ..., 1, g) — e.g. PerAxis(1) of a matrix, 2-D tiles — give what the
 * same blocks give when transposed into row groups by hand (torchao's reshape semantics).
 */
class GeneralBlockSizeTest {
    @Test
    void perAxisOneEqualsPerRowOfTheTranspose() {
        int n = 6, k = 40;
        float[] x = new float[n * k], xt = new float[k * n];
        SplittableRandom rng = new SplittableRandom(8);
        for (int r = 0; r < n; r++) for (int c = 0; c < k; c++) {
            x[r * k + c] = (float) rng.nextGaussian();
            xt[c * n + r] = x[r * k + c];
        }
        long[] perAxis1 = new Granularity.PerAxis(1).blockSize(new long[] {n, k});
        assertArrayEquals(new long[] {n, 1}, perAxis1);
        AffineSpec spec = AffineSpec.of(perAxis1, DType.INT4, MappingType.ASYMMETRIC);
        AffineSpec rows = AffineSpec.of(new long[] {1, n}, DType.INT4, MappingType.ASYMMETRIC);
        var qp = AffineQuantization.chooseQParams(Tensor.ofFloats(x, n, k), spec);
        var qpT = AffineQuantization.chooseQParams(Tensor.ofFloats(xt, k, n), rows);
        assertArrayEquals(qpT.scale().toFloatArray(), qp.scale().toFloatArray());
        assertArrayEquals(new long[] {k}, qp.scale().shape());
        float[] q = AffineQuantization.quantize(Tensor.ofFloats(x, n, k), spec, qp).toFloatArray();
        float[] qT = AffineQuantization.quantize(Tensor.ofFloats(xt, k, n), rows, qpT).toFloatArray();
        float[] dq = AffineQuantization.dequantize(AffineQuantization.quantize(Tensor.ofFloats(x, n, k), spec, qp), spec, qp,
                DType.FLOAT32).toFloatArray();
        for (int r = 0; r < n; r++) for (int c = 0; c < k; c++) {
            assertEquals(qT[c * n + r], q[r * k + c]);
            float s = qp.scale().toFloatArray()[c], z = qp.zeroPoint().toFloatArray()[c];
            assertEquals((q[r * k + c] - z) * s, dq[r * k + c]);
        }
    }

    @Test
    void twoDimensionalTilesAreBlocks() {
        // [4, 8] in 2x4 tiles: 4 blocks, each a contiguous group after torchao's reshape
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) x[i] = i;
        AffineSpec spec = AffineSpec.of(new long[] {2, 4}, DType.UINT8, MappingType.ASYMMETRIC);
        var qp = AffineQuantization.chooseQParams(Tensor.ofFloats(x, 4, 8), spec);
        assertArrayEquals(new long[] {2, 2}, qp.scale().shape());
        float[] s = qp.scale().toFloatArray();
        // tile (0,0) holds 0..3 and 8..11: max 11 → scale 11/255 (min widened to 0)
        assertEquals(11f / 255f, s[0], 1e-9);
        assertEquals(15f / 255f, s[1], 1e-9);  // tile (0,1): 4..7, 12..15
        assertEquals(27f / 255f, s[2], 1e-9);  // tile (1,0): 16..19, 24..27
    }
}
