/*
 * jao — the C ABI of the jao native library. This aggregate header is what
 * jextract reads; each included header covers one area of the ABI.
 *
 * Conventions (see DESIGN.md §2):
 *  - every fallible call returns jao_status (JAO_OK = 0) and leaves a message
 *    for the calling thread in jao_last_error();
 *  - the caller owns all memory: size queries come before fills;
 *  - enum values are part of the ABI and of the packed formats: never renumber.
 */
#ifndef JAO_JAO_H
#define JAO_JAO_H

#include "jao/jao_core.h"
#include "jao/jao_affine.h"
#include "jao/jao_linear.h"
#include "jao/jao_weight_only.h"
#include "jao/jao_int8.h"
#include "jao/jao_kleidiai.h"
#include "jao/jao_aten.h"

#endif
