package dev.jao.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads libjao and its runtime (oneDNN, GOMP) exactly once, before any binding is used.
 *
 * <p>Order (no silent fallback): (1) the folder named by {@code -Djao.library.path};
 * (2) the platform resources {@code META-INF/native/<platform>/} of the jao-native jar,
 * extracted to a cache folder named by their content hash, so two JVMs starting at once
 * either share one complete copy or each build their own and one atomically wins;
 * (3) otherwise an {@link UnsatisfiedLinkError} naming the platform and the dlopen message.
 */
public final class NativeLoader {
    /** System property: a folder holding libjao.so (and its dependencies). */
    public static final String LIBRARY_PATH_PROPERTY = "jao.library.path";
    /** System property: where extracted libraries are cached (default ~/.cache/jao). */
    public static final String CACHE_DIR_PROPERTY = "jao.cache.dir";
    private static final String LIST_FILE = "jao-native.list";

    private static volatile Path loadedFrom;

    private NativeLoader() {}

    /** One entry of jao-native.list: a file with its SHA-256 and size, in load order. */
    record NativeFile(String sha256, long size, String name) {
        static NativeFile parse(String line) {
            String[] f = line.trim().split(" ");
            if (f.length != 3) throw new IllegalStateException("jao: malformed " + LIST_FILE + " line: " + line);
            return new NativeFile(f[0], Long.parseLong(f[1]), f[2]);
        }
    }

    /** Loads the library if not loaded yet; returns the folder it was loaded from. */
    public static Path ensureLoaded() {
        Path dir = loadedFrom;
        if (dir != null) return dir;
        synchronized (NativeLoader.class) {
            if (loadedFrom == null) loadedFrom = load();
            return loadedFrom;
        }
    }

    private static Path load() {
        String platform = Platform.current();
        String explicit = System.getProperty(LIBRARY_PATH_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            Path dir = Path.of(explicit).toAbsolutePath();
            Path list = dir.resolve(LIST_FILE);
            List<String> names = Files.isRegularFile(list)
                    ? readList(list).stream().map(NativeFile::name).toList()
                    : List.of("libjao.so");
            loadAll(dir, names, platform, "-D" + LIBRARY_PATH_PROPERTY + "=" + explicit);
            return dir;
        }
        String base = "META-INF/native/" + platform + "/";
        ClassLoader cl = NativeLoader.class.getClassLoader();
        try (InputStream listStream = cl.getResourceAsStream(base + LIST_FILE)) {
            if (listStream == null) {
                throw new UnsatisfiedLinkError("jao: no native library for platform " + platform
                        + " on the class path (expected " + base + " from the jar dev.jao:jao-native:" + platform
                        + "; jao ships linux-x86_64 and linux-aarch64). Set -D" + LIBRARY_PATH_PROPERTY
                        + "=<folder with libjao.so> to use a library built elsewhere.");
            }
            byte[] listBytes = listStream.readAllBytes();
            List<NativeFile> files = parseList(new String(listBytes, StandardCharsets.UTF_8));
            Path dir = extract(cl, base, listBytes, files);
            loadAll(dir, files.stream().map(NativeFile::name).toList(), platform, "the jao-native jar");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("jao: cannot extract the native library for " + platform + ": " + e, e);
        }
    }

    private static void loadAll(Path dir, List<String> names, String platform, String source) {
        for (String name : names) {
            Path file = dir.resolve(name);
            try {
                System.load(file.toString());
            } catch (UnsatisfiedLinkError e) {
                UnsatisfiedLinkError wrapped = new UnsatisfiedLinkError("jao: cannot load " + file + " for platform "
                        + platform + " (from " + source + "): " + e.getMessage());
                wrapped.initCause(e);
                throw wrapped;
            }
        }
    }

    private static List<NativeFile> readList(Path list) {
        try {
            return parseList(Files.readString(list));
        } catch (IOException e) {
            throw new UncheckedIOException("jao: cannot read " + list, e);
        }
    }

    private static List<NativeFile> parseList(String text) {
        return text.lines().filter(l -> !l.isBlank()).map(NativeFile::parse).toList();
    }

    /** Extracts into cacheRoot/<hash of the list>, which names the content of every file. */
    private static Path extract(ClassLoader cl, String base, byte[] listBytes, List<NativeFile> files)
            throws IOException {
        Path root = cacheRoot();
        Path target = root.resolve(sha256Hex(listBytes).substring(0, 24));
        if (isComplete(target, files)) return target;
        Files.createDirectories(root);
        Path staging = Files.createTempDirectory(root, target.getFileName() + ".tmp-");
        try {
            for (NativeFile f : files) {
                Path out = staging.resolve(f.name());
                try (InputStream in = cl.getResourceAsStream(base + f.name())) {
                    if (in == null) throw new IOException("resource " + base + f.name() + " is missing from the jar");
                    MessageDigest md = sha256();
                    Files.copy(new DigestInputStream(in, md), out);
                    String got = HexFormat.of().formatHex(md.digest());
                    if (!got.equals(f.sha256())) throw new IOException(base + f.name() + " does not match its SHA-256");
                }
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                // another JVM renamed its complete copy into place first: use that one
                if (!isComplete(target, files)) {
                    throw new IOException("cache folder " + target + " is incomplete; delete it", e);
                }
            }
        } finally {
            deleteTree(staging);
        }
        return target;
    }

    private static boolean isComplete(Path dir, List<NativeFile> files) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        for (NativeFile f : files) {
            Path p = dir.resolve(f.name());
            if (!Files.isRegularFile(p) || Files.size(p) != f.size()) return false;
        }
        return true;
    }

    private static Path cacheRoot() {
        String configured = System.getProperty(CACHE_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) return Path.of(configured);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path home = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return home.resolve("jao");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
            for (Path p : paths) Files.deleteIfExists(p);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    private static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }
}
