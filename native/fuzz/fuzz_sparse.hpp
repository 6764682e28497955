// The sparse part of the fuzz target (fuzz_sparse.cpp), called by fuzz_kernels.cpp's entry
// point for a share of the inputs.
#pragma once

#include "fuzz_support.hpp"

namespace kmn::fuzz {

// Decodes a CSR problem from the bytes (float32 values when `float32`) and checks
// sparse_assign, sparse_fit and sparse_plus_plus on it; aborts on a violated invariant.
void check_sparse_problem(ByteSource& bytes, bool float32);

}  // namespace kmn::fuzz
