package dev.jao;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jao.config.FqnToConfig;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.io.JaoModelFile;
import dev.jao.io.SafetensorsFile;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.qat.IntxFakeQuantizeConfig;
import dev.jao.qat.IntxFakeQuantizer;
import dev.jao.quant.AffineQuantization;
import dev.jao.quant.AffineSpec;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.MappingType;
import dev.jao.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad inputs at every public entry point: each must end in a typed exception with a message,
 * never a crash, hang or silent result. The cases are enumerated and counted.
 */
class BadInputMatrixTest {
    interface Call {
        void run() throws Exception;
    }

    record Case(String name, Class<? extends Exception> expected, Call call) {}

    @Test
    void everyBadInputGivesATypedException(@TempDir Path dir) throws Exception {
        List<Case> cases = new ArrayList<>();
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        Class<NullPointerException> npe = NullPointerException.class;
        Tensor w = Tensor.ofFloats(new float[32 * 64], 32, 64);
        var cfg = new Int8DynamicActivationIntxWeightConfig();

        // tensors
        cases.add(new Case("tensor: negative dim", iae, () -> Tensor.of(MemorySegment.ofArray(new float[4]), DType.FLOAT32, -1, 4)));
        cases.add(new Case("tensor: size mismatch", iae, () -> Tensor.of(MemorySegment.ofArray(new float[4]), DType.FLOAT32, 5)));
        cases.add(new Case("tensor: numel overflows 2^63", iae, () -> Tensor.numel(new long[] {1L << 40, 1L << 40})));
        cases.add(new Case("tensor: null data", npe, () -> Tensor.of(null, DType.FLOAT32, 1)));
        // modules
        cases.add(new Case("linear: 1-D weight", iae, () -> new Linear(Tensor.ofFloats(new float[4], 4), null)));
        cases.add(new Case("linear: int8 weight", iae,
                () -> new Linear(Tensor.of(MemorySegment.ofArray(new byte[4]), DType.INT8, 2, 2), null)));
        cases.add(new Case("linear: bias of wrong length", iae, () -> new Linear(w, Tensor.ofFloats(new float[3], 3))));
        cases.add(new Case("linear: null weight", npe, () -> new Linear(null, null)));
        cases.add(new Case("module: dotted child name", iae, () -> new Container().register("a.b", new Container())));
        cases.add(new Case("module: replace unknown", iae, () -> new Container().replace("x.y", new Container())));
        // configs
        cases.add(new Case("config: weight dtype uint4", iae, () -> Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.UINT4).build()));
        cases.add(new Case("config: PerAxis(1)", iae, () -> Int8DynamicActivationIntxWeightConfig.builder().weightGranularity(new Granularity.PerAxis(1)).build()));
        cases.add(new Case("config: version 1", iae, () -> Int8DynamicActivationIntxWeightConfig.builder().version(1).build()));
        cases.add(new Case("config: group 0", iae, () -> new Granularity.PerGroup(0)));
        cases.add(new Case("config: bad regex", iae, () -> new FqnToConfig(Map.of("re:(", cfg))));
        cases.add(new Case("config: nested FqnToConfig", iae, () -> new FqnToConfig(Map.of("a", new FqnToConfig(Map.of())))));
        cases.add(new Case("qat: per_group without size", iae, () -> IntxFakeQuantizeConfig.of(DType.INT4, "per_group", null, null, null)));
        // quantize
        cases.add(new Case("quantize: group does not divide K", iae, () -> {
            Container c = new Container();
            c.register("l", new Linear(Tensor.ofFloats(new float[32 * 48], 32, 48), null));
            Quantizer.quantize(c, cfg);
        }));
        cases.add(new Case("quantize: NaN weight", iae, () -> {
            float[] v = new float[32 * 64];
            v[5] = Float.NaN;
            Container c = new Container();
            c.register("l", new Linear(Tensor.ofFloats(v, 32, 64), null));
            Quantizer.quantize(c, cfg);
        }));
        cases.add(new Case("quantize: root is the linear", iae, () -> Quantizer.quantize(new Linear(w, null), cfg)));
        cases.add(new Case("quantize: null config", npe, () -> Quantizer.quantize(new Container(), null)));
        // forward
        Container model = new Container();
        model.register("l", new Linear(w, null));
        Quantizer.quantize(model, cfg);
        QuantizedLinear q = (QuantizedLinear) model.children().get("l");
        cases.add(new Case("forward: ragged input", iae, () -> q.forward(new float[65])));
        cases.add(new Case("forward: empty input", iae, () -> q.forward(new float[0])));
        cases.add(new Case("forward: null", npe, () -> q.forward((float[]) null)));
        cases.add(new Case("forward: rows 0", iae, () -> q.forward(MemorySegment.ofArray(new float[64]), MemorySegment.ofArray(new float[32]), 0)));
        cases.add(new Case("forward: rows negative", iae, () -> q.forward(MemorySegment.ofArray(new float[64]), MemorySegment.ofArray(new float[32]), -1)));
        cases.add(new Case("forward: rows overflow", iae, () -> q.forward(MemorySegment.ofArray(new float[64]), MemorySegment.ofArray(new float[32]), Long.MAX_VALUE / 2)));
        cases.add(new Case("forward: y too small", iae, () -> q.forward(MemorySegment.ofArray(new float[64]), MemorySegment.ofArray(new float[31]), 1)));
        cases.add(new Case("forward: x too large", iae, () -> q.forward(MemorySegment.ofArray(new float[65]), MemorySegment.ofArray(new float[32]), 1)));
        cases.add(new Case("forward: read-only y", iae, () -> q.forward(MemorySegment.ofArray(new float[64]), MemorySegment.ofArray(new float[32]).asReadOnly(), 1)));
        cases.add(new Case("forward: wrong last dim", iae, () -> q.forward(Tensor.ofFloats(new float[63], 1, 63))));
        cases.add(new Case("forward: int8 tensor", iae, () -> q.forward(Tensor.of(MemorySegment.ofArray(new byte[64]), DType.INT8, 1, 64))));
        cases.add(new Case("forward: closed segment", IllegalStateException.class, () -> {
            MemorySegment x;
            try (Arena a = Arena.ofConfined()) {
                x = a.allocate(ValueLayout.JAVA_FLOAT, 64);
            }
            q.forward(x, MemorySegment.ofArray(new float[32]), 1);
        }));
        // typed forward of the intx layer (native bf16 / fp16 path)
        MemorySegment x16 = MemorySegment.ofArray(new short[64]), y16 = MemorySegment.ofArray(new short[32]);
        cases.add(new Case("typed forward: int8 x dtype", iae, () -> q.forward(x16, DType.INT8, y16, DType.BFLOAT16, 1)));
        cases.add(new Case("typed forward: uint4 y dtype", iae, () -> q.forward(x16, DType.FLOAT16, y16, DType.UINT4, 1)));
        cases.add(new Case("typed forward: null y dtype", npe, () -> q.forward(x16, DType.BFLOAT16, y16, null, 1)));
        cases.add(new Case("typed forward: bf16 y too small", iae, () -> q.forward(x16, DType.BFLOAT16,
                MemorySegment.ofArray(new short[31]), DType.BFLOAT16, 1)));
        cases.add(new Case("typed forward: fp32 x of bf16 size", iae, () -> q.forward(x16, DType.FLOAT32, y16, DType.FLOAT16, 1)));
        // primitives
        AffineSpec spec = AffineSpec.of(new long[] {1, 32}, DType.INT4, MappingType.ASYMMETRIC);
        cases.add(new Case("affine: rank mismatch", iae, () -> AffineQuantization.chooseQParams(Tensor.ofFloats(new float[64], 64), spec)));
        cases.add(new Case("affine: block does not divide", iae, () -> AffineQuantization.chooseQParams(Tensor.ofFloats(new float[2 * 48], 2, 48), spec)));
        cases.add(new Case("affine: block larger than the dim", iae, () -> AffineQuantization.chooseQParams(
                Tensor.ofFloats(new float[64], 2, 32), AffineSpec.of(new long[] {3, 1}, DType.INT4, MappingType.ASYMMETRIC))));
        cases.add(new Case("affine: int8 input", iae, () -> AffineQuantization.chooseQParams(
                Tensor.of(MemorySegment.ofArray(new byte[64]), DType.INT8, 2, 32), spec)));
        cases.add(new Case("affine: range outside dtype", iae, () -> spec.withRange(-9, 7)));
        cases.add(new Case("affine: empty input", iae, () -> AffineQuantization.chooseQParams(Tensor.ofFloats(new float[0], 0, 32), spec)));
        cases.add(new Case("affine: qparams count", iae, () -> AffineQuantization.quantize(Tensor.ofFloats(new float[64], 2, 32), spec,
                new AffineQuantization.QParams(Tensor.ofFloats(new float[1], 1), Tensor.ofFloats(new float[1], 1)))));
        cases.add(new Case("qat: 3-D weight per group", iae, () -> new IntxFakeQuantizer(IntxFakeQuantizeConfig.of(DType.INT4, null, null, 32, null))
                .forward(Tensor.ofFloats(new float[64], 1, 2, 32))));
        // files
        Path junk = Files.write(dir.resolve("junk"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        cases.add(new Case("safetensors: junk", iae, () -> SafetensorsFile.open(junk).close()));
        cases.add(new Case("safetensors: missing", java.nio.file.NoSuchFileException.class, () -> SafetensorsFile.open(dir.resolve("none")).close()));
        cases.add(new Case("model file: junk", iae, () -> JaoModelFile.load(junk).close()));
        cases.add(new Case("model file: empty", iae, () -> JaoModelFile.load(Files.write(dir.resolve("empty"), new byte[0])).close()));
        // weight-only / int8 configs and KleidiAI buffers
        cases.add(new Case("int4 wo: group 48", iae, () -> dev.jao.config.Int4WeightOnlyConfig.ofGroupSize(48)));
        cases.add(new Case("intx wo: uint dtype", iae, () -> dev.jao.config.IntxWeightOnlyConfig.of(DType.UINT4,
                new dev.jao.quant.Granularity.PerGroup(32), MappingType.SYMMETRIC)));
        cases.add(new Case("uintx wo: signed dtype", iae, () -> new dev.jao.config.UIntXWeightOnlyConfig(DType.INT4)));
        cases.add(new Case("int8 dyn: per-group", iae, () -> dev.jao.config.Int8DynamicActivationInt8WeightConfig.of(
                MappingType.SYMMETRIC, new dev.jao.quant.Granularity.PerGroup(32))));
        cases.add(new Case("config json: junk", iae, () -> dev.jao.config.ConfigJson.fromJson("[1, 2]")));
        cases.add(new Case("kleidiai: junk torchao buffer", JaoException.class, () -> dev.jao.io.KleidiAiFormats
                .fromTorchaoPackedWeights(Tensor.of(MemorySegment.ofArray(new byte[416]), DType.UINT8, 416), 8, 64, 32,
                        DType.FLOAT32).close()));
        cases.add(new Case("kleidiai: short ATen buffer", iae, () -> dev.jao.io.KleidiAiFormats
                .fromAtenDynQuant4bit(Tensor.of(MemorySegment.ofArray(new byte[100]), DType.UINT8, 100), 8, 64, 32,
                        DType.FLOAT32).close()));
        Tensor small = Tensor.of(MemorySegment.ofArray(new byte[416]), DType.UINT8, 416);
        cases.add(new Case("kleidiai: N*K beyond 2^31, small buffer", iae, () -> dev.jao.io.KleidiAiFormats
                .fromTorchaoPackedWeights(small, 1L << 20, 1L << 16, 32, DType.FLOAT32).close()));
        cases.add(new Case("kleidiai: N*K beyond 2^63", iae, () -> dev.jao.io.KleidiAiFormats
                .fromAtenDynQuant4bit(small, Long.MAX_VALUE / 2, 1L << 40, 32, DType.FLOAT32).close()));
        cases.add(new Case("kleidiai: group 0", iae, () -> dev.jao.io.KleidiAiFormats
                .fromAtenDynQuant4bit(small, 8, 64, 0, DType.FLOAT32).close()));
        cases.add(new Case("kleidiai: negative n", iae, () -> dev.jao.io.KleidiAiFormats
                .fromTorchaoPackedWeights(small, -8, 64, 32, DType.FLOAT32).close()));
        // ATen's fallback buffer: shapes checked against the float count before any allocation,
        // weight values that are not bytes refused natively
        Tensor fallback = Tensor.ofFloats(new float[8 * 32 + 8 * 2], 8 * 32 + 8 * 2);  // n 8, k 64, blocks of 32
        cases.add(new Case("aten fallback: wrong n", iae, () -> dev.jao.io.KleidiAiFormats
                .fromAtenDynQuant4bit(fallback, 9, 64, 32, DType.FLOAT32).close()));
        cases.add(new Case("aten fallback: block 16", iae, () -> dev.jao.io.KleidiAiFormats
                .fromAtenDynQuant4bit(fallback, 8, 64, 16, DType.FLOAT32).close()));
        cases.add(new Case("aten fallback: odd k", iae, () -> dev.jao.io.KleidiAiFormats
                .fromAtenDynQuant4bit(fallback, 8, 63, 63, DType.FLOAT32).close()));
        cases.add(new Case("aten fallback: N*K beyond 2^63", iae, () -> dev.jao.io.KleidiAiFormats
                .fromAtenDynQuant4bit(fallback, Long.MAX_VALUE / 2, 1L << 40, 32, DType.FLOAT32).close()));
        float[] corrupt = new float[8 * 32 + 8 * 2];
        corrupt[5] = 2.5f;
        cases.add(new Case("aten fallback: weight 2.5", JaoException.class, () -> dev.jao.io.KleidiAiFormats
                .fromAtenDynQuant4bit(Tensor.ofFloats(corrupt, corrupt.length), 8, 64, 32, DType.FLOAT32).close()));
        float[] nan = new float[8 * 32 + 8 * 2];
        nan[0] = Float.NaN;
        cases.add(new Case("aten fallback: weight NaN", JaoException.class, () -> dev.jao.io.KleidiAiFormats
                .fromAtenDynQuant4bit(Tensor.ofFloats(nan, nan.length), 8, 64, 32, DType.FLOAT32).close()));
        cases.add(new Case("kleidiai: int8 layer", iae, () -> dev.jao.io.KleidiAiFormats.torchaoPackedWeights(q, 8, 16, 2)));
        Container wo = new Container();
        float[] wv = new float[32 * 64];
        for (int i = 0; i < wv.length; i++) wv[i] = (float) Math.cos(i);
        wo.register("l", new Linear(Tensor.ofFloats(wv, 32, 64), null));
        Quantizer.quantize(wo, dev.jao.config.Int4WeightOnlyConfig.ofGroupSize(32));
        QuantizedLinear woq = (QuantizedLinear) wo.children().get("l");
        cases.add(new Case("weight-only forward: ragged input", iae, () -> woq.forward(new float[65])));
        cases.add(new Case("int8 dyn: NaN weight", iae, () -> {
            Container m = new Container();
            float[] bad = wv.clone();
            bad[5] = Float.NaN;
            m.register("l", new Linear(Tensor.ofFloats(bad, 32, 64), null));
            Quantizer.quantize(m, new dev.jao.config.Int8DynamicActivationInt8WeightConfig());
        }));
        // lifetimes and native errors
        cases.add(new Case("jao: threads 0", iae, () -> Jao.setThreads(0)));
        cases.add(new Case("jao: foreign ISA", JaoException.class, () -> Jao.capIsa(IsaTier.I8MM)));
        cases.add(new Case("forward after close", IllegalStateException.class, () -> {
            q.close();
            q.forward(new float[64]);
        }));
        cases.add(new Case("plain tensors after close", IllegalStateException.class, q::plainTensors));

        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            try {
                c.call().run();
                failures.add(c.name() + ": no exception");
            } catch (Exception e) {
                if (!c.expected().isInstance(e)) failures.add(c.name() + ": " + e);
                else if (e.getMessage() == null || e.getMessage().isBlank()) failures.add(c.name() + ": no message");
            }
        }
        woq.close();
        System.out.println("bad-input matrix: " + cases.size() + " cases, " + failures.size() + " failures");
        if (!failures.isEmpty()) fail(String.join("\n", failures));
        assertTrue(cases.size() >= 40);
    }
}
