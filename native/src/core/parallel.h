// How jao's drivers start their threads.
#pragma once

#include <omp.h>

namespace jao::core {

// Runs body(t, nt) for t in [0, nt) on an OpenMP team of `threads` threads, or
// on the calling thread alone (t = 0, nt = 1) when threads <= 1: a one-thread
// OpenMP region still made a futex syscall on every call once an earlier, wider
// region had started libgomp's pool (~0.7 us of a 3 us small call), and every
// call runs on one thread when concurrent callers split the budget
// (CallScope). A body may wait at `#pragma omp barrier` only when nt > 1: with
// nt = 1 it can run inside the caller's own parallel region, whose barrier it
// would join.
template <class Body>
void run_on_threads(int threads, Body&& body) {
    if (threads <= 1) {
        body(0, 1);
        return;
    }
#pragma omp parallel num_threads(threads)
    body(omp_get_thread_num(), omp_get_num_threads());
}

// Waits for the rest of a run_on_threads team; nothing when the body runs alone
// (nt = 1), where a barrier would be the caller's.
inline void team_barrier(int nt) {
    if (nt > 1) {
#pragma omp barrier
    }
}

// A driver's two phases on `threads` threads: prepare(t, nt) (activation passes,
// rows split by thread) for the whole team, then work(t, nt) once all of it is
// done. A small prepare (`prepare_alone`) runs on the calling thread before the
// team starts instead: the barrier between the phases costs libgomp a futex
// syscall, more than such a pass takes (core::kSerialPassElems).
template <class Prepare, class Work>
void run_phases(int threads, bool prepare_alone, Prepare&& prepare, Work&& work) {
    if (prepare_alone) prepare(0, 1);
    run_on_threads(threads, [&](int t, int nt) {
        if (!prepare_alone) {  // the same for every thread: all of them or none reach the barrier
            prepare(t, nt);
            team_barrier(nt);
        }
        work(t, nt);
    });
}

}  // namespace jao::core
