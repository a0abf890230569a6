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

}  // namespace jao::core
