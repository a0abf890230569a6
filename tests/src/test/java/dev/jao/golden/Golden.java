package dev.jao.golden;

import dev.jao.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The torchao golden cases (testdata/golden, made with the real torchao; see its README):
 * the manifest's cases by category, with their parameters and tensor tolerances.
 */
public final class Golden {
    private Golden() {}

    /** One manifest case. */
    public record Case(String name, String category, Map<String, Object> params, Map<String, Object> tensors, Path file) {
        /** A parameter as a string ("int4", "ASYMMETRIC", ...). */
        public String param(String key) {
            Object v = params.get(key);
            return v == null ? null : String.valueOf(v);
        }

        /** The tolerance object of an output tensor. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> tolerance(String tensor) {
            return (Map<String, Object>) ((Map<String, Object>) tensors.get(tensor)).get("tolerance");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * The golden data folder: {@code $JAO_GOLDEN_DIR} when set (any set with the same manifest
     * schema, e.g. another seed), else {@code ../shared/golden} beside the repository when
     * present, else the copy committed in {@code testdata/golden}.
     */
    public static Path root() {
        return locate("JAO_GOLDEN_DIR", "golden");
    }

    /**
     * The KleidiAI golden data folder: {@code $JAO_GOLDEN_KLEIDIAI_DIR}, else
     * {@code ../shared/golden-kleidiai}, else the copy in {@code testdata/golden-kleidiai}.
     */
    public static Path kleidiAiRoot() {
        return locate("JAO_GOLDEN_KLEIDIAI_DIR", "golden-kleidiai");
    }

    private static Path locate(String envName, String folder) {
        String env = System.getenv(envName);
        Path repo = Path.of(System.getProperty("jao.repo.root", "..")).toAbsolutePath().normalize();
        Path dir = env != null && !env.isBlank() ? Path.of(env)
                : Files.isDirectory(repo.resolveSibling("shared/" + folder)) ? repo.resolveSibling("shared/" + folder)
                : repo.resolve("testdata/" + folder);
        if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
            throw new IllegalStateException("golden data missing: no manifest.json in " + dir);
        }
        return dir;
    }

    /** Every case of {@code category} ("3_da8intx", ...), in manifest order. */
    @SuppressWarnings("unchecked")
    public static List<Case> cases(String category) {
        return cases(root(), category);
    }

    /** Every case of {@code category} in the golden set at {@code dir}, in manifest order. */
    @SuppressWarnings("unchecked")
    public static List<Case> cases(Path dir, String category) {
        Map<String, Object> manifest;
        try {
            manifest = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("manifest.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Case> out = ((List<Map<String, Object>>) manifest.get("cases")).stream()
                .filter(c -> category.equals(c.get("category")))
                .map(c -> new Case((String) c.get("name"), category, (Map<String, Object>) c.get("params"),
                        (Map<String, Object>) c.get("tensors"), dir.resolve((String) c.get("file"))))
                .toList();
        if (out.isEmpty()) throw new IllegalStateException("no golden cases in category " + category);
        return out;
    }

    /** The jao dtype of a torch dtype name ("float32", "bfloat16", "int4", "uint8", ...). */
    public static dev.jao.quant.DType dtype(String torchName) {
        return switch (torchName) {
            case "float32" -> dev.jao.quant.DType.FLOAT32;
            case "bfloat16" -> dev.jao.quant.DType.BFLOAT16;
            case "float16" -> dev.jao.quant.DType.FLOAT16;
            default -> dev.jao.quant.DType.valueOf(torchName.toUpperCase(java.util.Locale.ROOT));
        };
    }

    /** A JSON list of integers as a long[]. */
    public static long[] longs(Object list) {
        return ((List<?>) list).stream().mapToLong(o -> (Long) o).toArray();
    }

    /** Bitwise equality of two tensors' values (NaN equals NaN) and of their bf16-ness. */
    public static void assertBits(Case c, String name, dev.jao.tensor.Tensor expected, dev.jao.tensor.Tensor got) {
        float[] e = expected.toFloatArray(), g = got.toFloatArray();
        if (e.length != g.length) throw new AssertionError(c + " " + name + ": " + e.length + " values expected, got " + g.length);
        if ((expected.dtype() == dev.jao.quant.DType.BFLOAT16) != (got.dtype() == dev.jao.quant.DType.BFLOAT16)) {
            throw new AssertionError(c + " " + name + ": dtype " + expected.dtype() + " expected, got " + got.dtype());
        }
        for (int i = 0; i < e.length; i++) {
            boolean same = Float.isNaN(e[i]) ? Float.isNaN(g[i]) : Float.floatToIntBits(e[i]) == Float.floatToIntBits(g[i]);
            if (!same) throw new AssertionError(c + " " + name + "[" + i + "]: expected " + e[i] + " got " + g[i]);
        }
    }

    /** A check of one golden case. */
    @FunctionalInterface
    public interface CaseCheck {
        /** Runs the case's assertions. */
        void check(Case c) throws Exception;
    }

    /**
     * One JUnit container per ISA tier this machine has, each with one test per case (named
     * by the case), run with the tier capped: the kernels are chosen per call by the active tier.
     * Each tier of this architecture that the CPU lacks gets a container with one aborted test
     * that names it, so the report says which tiers were not run rather than leaving them out.
     */
    public static java.util.stream.Stream<org.junit.jupiter.api.DynamicContainer> atEveryTier(List<Case> cases,
                                                                                           CaseCheck check) {
        dev.jao.IsaTier best = dev.jao.Jao.activeIsa();
        java.util.Set<dev.jao.IsaTier> supported = dev.jao.Jao.capabilities().supported();
        java.util.stream.Stream<org.junit.jupiter.api.DynamicContainer> run = supported.stream().sorted().map(tier ->
                org.junit.jupiter.api.DynamicContainer.dynamicContainer(tier.nativeName(), cases.stream().map(c ->
                        org.junit.jupiter.api.DynamicTest.dynamicTest(c.name(), () -> {
                            dev.jao.Jao.capIsa(tier);
                            try {
                                check.check(c);
                            } finally {
                                dev.jao.Jao.capIsa(best);
                            }
                        }))));
        boolean arm = supported.contains(dev.jao.IsaTier.NEON);
        java.util.stream.Stream<org.junit.jupiter.api.DynamicContainer> notRun = java.util.Arrays
                .stream(dev.jao.IsaTier.values())
                .filter(t -> t != dev.jao.IsaTier.SCALAR && (t.code() >= dev.jao.IsaTier.NEON.code()) == arm)
                .filter(t -> !supported.contains(t))
                .map(tier -> org.junit.jupiter.api.DynamicContainer.dynamicContainer(tier.nativeName(),
                        java.util.stream.Stream.of(org.junit.jupiter.api.DynamicTest.dynamicTest(
                                cases.size() + " cases NOT RUN", () -> org.junit.jupiter.api.Assumptions.abort(
                                        "this CPU lacks " + tier.nativeName() + ": its " + cases.size()
                                                + " cases were not run")))));
        return java.util.stream.Stream.concat(run, notRun);
    }

    /** Element-wise {@code |got - expected| <= atol + rtol * |expected|} with the case's tolerance for {@code name}. */
    public static void assertClose(Case c, String name, dev.jao.tensor.Tensor expected, dev.jao.tensor.Tensor got) {
        Map<String, Object> tol = c.tolerance(name);
        double atol = ((Number) tol.get("atol")).doubleValue(), rtol = ((Number) tol.get("rtol")).doubleValue();
        float[] e = expected.toFloatArray(), g = got.toFloatArray();
        if (e.length != g.length) throw new AssertionError(c + " " + name + ": " + e.length + " values expected, got " + g.length);
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(g[i] - e[i]) <= atol + rtol * Math.abs(e[i]))) {
                throw new AssertionError(c + " " + name + "[" + i + "]: expected " + e[i] + " got " + g[i] + " (atol "
                        + atol + ", rtol " + rtol + ")");
            }
        }
    }

    /** The granularity object of a case's params ({"type": "PerGroup", "group_size": 32}, ...). */
    @SuppressWarnings("unchecked")
    public static dev.jao.quant.Granularity granularity(Case c, String key) {
        Map<String, Object> g = (Map<String, Object>) c.params().get(key);
        return switch ((String) g.get("type")) {
            case "PerGroup" -> new dev.jao.quant.Granularity.PerGroup(((Long) g.get("group_size")).intValue());
            case "PerAxis" -> new dev.jao.quant.Granularity.PerAxis(((Long) g.get("axis")).intValue());
            case "PerRow" -> new dev.jao.quant.Granularity.PerRow();
            case "PerTensor" -> new dev.jao.quant.Granularity.PerTensor();
            default -> throw new IllegalArgumentException(c + ": unknown granularity " + g);
        };
    }
}
