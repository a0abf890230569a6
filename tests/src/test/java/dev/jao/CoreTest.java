package dev.jao;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The core API through the real native library. */
class CoreTest {
    @Test
    void versionAndAbi() {
        assertFalse(Jao.version().isBlank());
        assertEquals(1, Jao.capabilities().abiVersion());
    }

    @Test
    void oneDnnIsLinked() {
        assertEquals("3.13.0", Jao.oneDnnVersion());
    }

    @Test
    void capabilitiesOfThisMachine() {
        Capabilities caps = Jao.capabilities();
        assertTrue(caps.supported().contains(IsaTier.SCALAR));
        assertTrue(caps.supported().contains(caps.active()));
        if (System.getProperty("jao.isa") == null && System.getenv("JAO_ISA") == null) {
            IsaTier best = caps.supported().stream().max(java.util.Comparator.comparingInt(IsaTier::code)).orElseThrow();
            assertEquals(best, caps.active(), "uncapped, the best supported tier must be active");
        }
        if (caps.platform().equals("linux-x86_64")) {
            assertFalse(caps.supported().contains(IsaTier.NEON));
        }
        assertTrue(caps.threads() >= 1);
        assertTrue(caps.toString().contains("oneDNN 3.13.0"), caps.toString());
    }

    @Test
    void isaCapCanBeLoweredAndRestored() {
        IsaTier best = Jao.activeIsa();
        try {
            Jao.capIsa(IsaTier.SCALAR);
            assertEquals(IsaTier.SCALAR, Jao.activeIsa());
        } finally {
            Jao.capIsa(best);
        }
        assertEquals(best, Jao.activeIsa());
    }

    @Test
    void nativeErrorSurfacesAsJaoException() {
        IsaTier foreign = Jao.capabilities().platform().endsWith("x86_64") ? IsaTier.I8MM : IsaTier.AVX2;
        JaoException e = assertThrows(JaoException.class, () -> Jao.capIsa(foreign));
        assertEquals(NativeStatus.UNSUPPORTED, e.status());
        assertEquals("jao_isa_set_cap", e.function());
        assertTrue(e.nativeMessage().contains("does not support " + foreign.nativeName()), e.nativeMessage());
    }

    @Test
    void threadCountIsValidatedAndApplied() {
        int before = Jao.threads();
        try {
            Jao.setThreads(1);
            assertEquals(1, Jao.threads());
        } finally {
            Jao.setThreads(before);
        }
        assertThrows(IllegalArgumentException.class, () -> Jao.setThreads(0));
        assertThrows(IllegalArgumentException.class, () -> Jao.setThreads(5000));
    }

    @Test
    void unknownIsaNameIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IsaTier.ofName("sse9"));
        assertTrue(e.getMessage().contains("avx512_vnni"));
    }

    @Test
    void readBandwidthIsMeasured() {
        double gbs = Jao.measureReadBandwidthGBs();
        assertTrue(gbs > 0.01 && gbs < 1e5, "implausible read bandwidth " + gbs + " GB/s");
    }
}
