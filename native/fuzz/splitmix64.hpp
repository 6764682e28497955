// splitmix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA
// 2014): a 64-bit state advanced by a constant and mixed by two multiply-xorshift rounds. The
// fuzz harness uses it to extend a short input into a whole problem, and the standalone driver
// to make its inputs, so that one seed always gives the same bytes on every machine.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kmn::fuzz {

inline uint64_t splitmix64(uint64_t* state /* INOUT */) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// 64-bit FNV-1a of the bytes: a seed that changes with every byte of an input.
inline uint64_t fnv1a(const uint8_t* data /* IN size */, size_t size) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 0x100000001b3ULL;
  return hash;
}

}  // namespace kmn::fuzz
