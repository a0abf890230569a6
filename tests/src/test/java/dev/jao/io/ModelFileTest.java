package dev.jao.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.QuantizationReport;
import dev.jao.Quantizer;
import dev.jao.config.FqnToConfig;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.config.QuantConfig;
import dev.jao.nn.Linear;
import dev.jao.nn.Module;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.IntxChooseQParamsAlgorithm;
import dev.jao.quant.IntxPackingFormat;
import dev.jao.quant.MappingType;
import dev.jao.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: a 4-layer MLP checkpoint → tree → FqnToConfig with three configs and a skip →
 * SQNR per layer → save → load in a new JVM by mmap → bit-identical outputs. Damaged files
 * are rejected.
 */
class ModelFileTest {
    static Path checkpoint(Path dir) throws Exception {
        SplittableRandom rng = new SplittableRandom(11);
        int[][] dims = {{256, 128}, {256, 256}, {128, 256}, {64, 128}};
        SafetensorsWriter w = new SafetensorsWriter();
        for (int l = 0; l < dims.length; l++) {
            int out = dims[l][0], in = dims[l][1];
            float[] wt = new float[out * in], b = new float[out];
            for (int i = 0; i < wt.length; i++) wt[i] = (float) (rng.nextGaussian() / Math.sqrt(in));
            for (int i = 0; i < b.length; i++) b[i] = (float) (rng.nextGaussian() * 0.1);
            w.put("mlp." + l + ".weight", Tensor.ofFloats(wt, out, in)).put("mlp." + l + ".bias", Tensor.ofFloats(b, out));
        }
        Path p = dir.resolve("mlp.safetensors");
        w.write(p);
        return p;
    }

    static FqnToConfig mixed() {
        var b = Int8DynamicActivationIntxWeightConfig.builder();
        Map<String, QuantConfig> m = new LinkedHashMap<>();
        m.put("mlp.0", b.weightDtype(DType.INT4).weightGranularity(new Granularity.PerGroup(32))
                .weightScaleDtype(DType.BFLOAT16).intxPackingFormat(IntxPackingFormat.OPAQUE_TORCHAO_AUTO).build());
        m.put("mlp.1", Int8DynamicActivationIntxWeightConfig.builder().weightGranularity(new Granularity.PerAxis(0))
                .weightMappingType(MappingType.ASYMMETRIC).build());
        m.put("mlp.2", Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT3)
                .weightGranularity(new Granularity.PerGroup(64))
                .intxChooseQParamsAlgorithm(IntxChooseQParamsAlgorithm.HQQ_SCALE_ONLY).build());
        m.put("mlp.3", null);
        return new FqnToConfig(m);
    }

    @Test
    void saveLoadInNewJvmGivesIdenticalOutputs(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("mlp.jao");
        byte[] expected;
        try (SafetensorsFile ckpt = SafetensorsFile.open(checkpoint(dir))) {
            Module tree = Checkpoints.linearTree(ckpt);
            Map<String, Linear> floats = new LinkedHashMap<>();
            tree.namedModules().forEach((k, v) -> { if (v instanceof Linear l) floats.put(k, l); });
            QuantizationReport report = Quantizer.quantize(tree, mixed());
            assertEquals(3, report.quantizedCount());
            List<String> sqnr = new ArrayList<>();
            for (var e : floats.entrySet()) {
                if (!(tree.namedModules().get(e.getKey()) instanceof QuantizedLinear q)) continue;
                double db = sqnr(e.getValue(), q);
                sqnr.add(e.getKey() + " " + q.config().torchaoName() + " " + String.format("%.1f dB", db));
                assertTrue(db > 10, e.getKey() + " SQNR " + db);
            }
            System.out.println("SQNR per layer: " + sqnr);
            expected = ModelFileProbe.outputs(tree.namedModules());
            JaoModelFile.save(tree, model);
            closeAll(tree);
        }
        Path out = dir.resolve("outputs.bin");
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ModelFileProbe.class.getName(), model.toString(), out.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), log);
        assertArrayEquals(expected, Files.readAllBytes(out), "outputs after save + load in a new JVM");

        try (JaoModelFile.MappedModel m = JaoModelFile.load(model)) {  // float layers survive too
            assertInstanceOf(Linear.class, m.model().namedModules().get("mlp.3"));
            QuantizedLinear q0 = (QuantizedLinear) m.model().namedModules().get("mlp.0");
            assertEquals(DType.BFLOAT16, q0.plainTensors().get("scale").dtype());
        }
    }

    @Test
    void damagedFilesAreRejected(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.jao");
        try (SafetensorsFile ckpt = SafetensorsFile.open(checkpoint(dir))) {
            Module tree = Checkpoints.linearTree(ckpt);
            Quantizer.quantize(tree, mixed());
            JaoModelFile.save(tree, model);
            closeAll(tree);
        }
        byte[] good = Files.readAllBytes(model);
        assertRejected(dir, java.util.Arrays.copyOf(good, good.length - 100), "outside the file");
        assertRejected(dir, java.util.Arrays.copyOf(good, 10), "shorter than");
        byte[] flipped = good.clone();
        flipped[flipped.length - 5000] ^= 0x10;
        assertRejected(dir, flipped, "CRC32C mismatch");
        byte[] firstBlob = good.clone();  // inside mlp.0's packed weights (the first blob after the header)
        int dataStart = (int) ((24 + java.nio.ByteBuffer.wrap(good, 16, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong() + 63) & ~63L);
        firstBlob[dataStart + 200] ^= 0x01;
        assertRejected(dir, firstBlob, "layer mlp.0: packed weights rejected");
        byte[] version = good.clone();
        version[8] = 9;
        assertRejected(dir, version, "format version 9");
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertRejected(dir, magic, "bad magic");
        byte[] header = good.clone();
        header[40] ^= 1;
        assertRejected(dir, header, "header CRC32C mismatch");
    }

    /** The weight-only and int8 × int8 families as FqnToConfig entries (int8 with its weight-only decode copy). */
    static FqnToConfig newFamilies() {
        Map<String, QuantConfig> m = new LinkedHashMap<>();
        m.put("mlp.0", new dev.jao.config.Int8DynamicActivationInt8WeightConfig(MappingType.ASYMMETRIC, true,
                new Granularity.PerRow(), false, 2));
        m.put("mlp.1", dev.jao.config.Int4WeightOnlyConfig.ofGroupSize(32));
        m.put("mlp.2", dev.jao.config.IntxWeightOnlyConfig.of(DType.INT4, new Granularity.PerGroup(64), MappingType.ASYMMETRIC));
        m.put("mlp.3", new dev.jao.config.Int8WeightOnlyConfig());
        return new FqnToConfig(m);
    }

    @Test
    void everyKernelFamilySurvivesSaveAndLoad(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("families.jao");
        byte[] expected;
        try (SafetensorsFile ckpt = SafetensorsFile.open(checkpoint(dir))) {
            Module tree = Checkpoints.linearTree(ckpt);
            assertEquals(4, Quantizer.quantize(tree, newFamilies()).quantizedCount());
            expected = ModelFileProbe.outputs(tree.namedModules());
            JaoModelFile.save(tree, model);
            closeAll(tree);
        }
        try (JaoModelFile.MappedModel m = JaoModelFile.load(model)) {
            assertArrayEquals(expected, ModelFileProbe.outputs(m.model().namedModules()), "outputs after save + load");
            assertEquals(dev.jao.config.Int4WeightOnlyConfig.ofGroupSize(32),
                    ((QuantizedLinear) m.model().namedModules().get("mlp.1")).config());
        }
    }

    /**
     * Seeded random mutations (byte flips, overwrites, truncations) of a model file holding every
     * kernel family: each load either succeeds and runs, or fails with IllegalArgumentException —
     * never another exception, never a crash (the JVM would die).
     */
    @Test
    void randomMutationsAreRejectedOrHarmless(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.jao");
        try (SafetensorsFile ckpt = SafetensorsFile.open(checkpoint(dir))) {
            Module tree = Checkpoints.linearTree(ckpt);
            Quantizer.quantize(tree, newFamilies());
            JaoModelFile.save(tree, model);
            closeAll(tree);
        }
        byte[] good = Files.readAllBytes(model);
        SplittableRandom rng = new SplittableRandom(2026);
        int rejected = 0, loaded = 0, mutations = 600;
        for (int i = 0; i < mutations; i++) {
            byte[] bad = good.clone();
            int kind = rng.nextInt(3);
            if (kind == 2) {
                bad = java.util.Arrays.copyOf(good, rng.nextInt(good.length));
            } else {
                // half the edits land in the first 4 KiB (the JSON header and first blob headers)
                for (int e = 1 + rng.nextInt(8); e > 0; e--) {
                    int at = rng.nextBoolean() ? rng.nextInt(Math.min(4096, good.length)) : rng.nextInt(good.length);
                    bad[at] = kind == 0 ? (byte) (bad[at] ^ (1 << rng.nextInt(8))) : (byte) rng.nextInt(256);
                }
            }
            Path p = Files.write(dir.resolve("mut.jao"), bad);
            try (JaoModelFile.MappedModel m = JaoModelFile.load(p)) {
                ModelFileProbe.outputs(m.model().namedModules());
                loaded++;
            } catch (IllegalArgumentException expectedRejection) {
                rejected++;
            }
        }
        System.out.println("model-file mutations: " + mutations + " (" + rejected + " rejected, " + loaded
                + " harmless, e.g. in padding)");
        assertEquals(mutations, rejected + loaded);
        assertTrue(rejected > mutations / 2, "most mutations must be caught: " + rejected);
    }

    /** Seeded random mutations of a safetensors checkpoint: open + read every tensor succeeds or throws IllegalArgumentException. */
    @Test
    void safetensorsMutationsAreRejectedOrReadable(@TempDir Path dir) throws Exception {
        byte[] good = Files.readAllBytes(checkpoint(dir));
        SplittableRandom rng = new SplittableRandom(7);
        int rejected = 0, read = 0, mutations = 600;
        for (int i = 0; i < mutations; i++) {
            byte[] bad = good.clone();
            if (rng.nextInt(3) == 0) {
                bad = java.util.Arrays.copyOf(good, rng.nextInt(good.length));
            } else {
                for (int e = 1 + rng.nextInt(6); e > 0; e--) {
                    int at = rng.nextInt(Math.min(1024, good.length));  // the JSON header: offsets, shapes, dtypes
                    bad[at] = (byte) (rng.nextBoolean() ? bad[at] ^ (1 << rng.nextInt(8)) : rng.nextInt(256));
                }
            }
            Path p = Files.write(dir.resolve("mut.safetensors"), bad);
            try (SafetensorsFile f = SafetensorsFile.open(p)) {
                for (String name : f.entries().keySet()) f.tensor(name).toFloatArray();
                read++;
            } catch (IllegalArgumentException expectedRejection) {
                rejected++;
            }
        }
        System.out.println("safetensors mutations: " + mutations + " (" + rejected + " rejected, " + read + " read)");
        assertEquals(mutations, rejected + read);
    }

    private static void assertRejected(Path dir, byte[] bytes, String fragment) throws Exception {
        Path p = Files.write(dir.resolve("bad.jao"), bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JaoModelFile.load(p).close());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    static double sqnr(Linear l, QuantizedLinear q) {
        int k = (int) l.inFeatures(), n = (int) l.outFeatures(), rows = 4;
        float[] x = new float[rows * k];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        float[] y = q.forward(x), w = l.weight().toFloatArray(), b = l.bias().toFloatArray();
        double s = 0, e = 0;
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < n; j++) {
                double ref = b[j];
                for (int i = 0; i < k; i++) ref += (double) x[r * k + i] * w[j * k + i];
                s += ref * ref;
                e += (ref - y[r * n + j]) * (ref - y[r * n + j]);
            }
        return 10 * Math.log10(s / e);
    }

    static void closeAll(Module m) {
        m.namedModules().values().stream().filter(QuantizedLinear.class::isInstance)
                .forEach(v -> ((QuantizedLinear) v).close());
    }
}
