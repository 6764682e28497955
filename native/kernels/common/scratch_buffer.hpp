// An array for scratch values that every user writes before reading: allocated without filling
// it (std::vector would write every element first, which for a kernel's large per-call buffers
// costs about as much as the first pass that fills them).
#pragma once

#include <cstddef>
#include <memory>
#include <type_traits>

namespace kmn {

template <typename T>
class ScratchBuffer {
  static_assert(std::is_trivial_v<T>, "scratch values are plain numbers");

 public:
  ScratchBuffer() = default;
  explicit ScratchBuffer(size_t size) { resize(size); }

  // Allocates (may throw std::bad_alloc); the contents are unspecified afterwards.
  void resize(size_t size) {
    if (size == size_) return;
    values_.reset(size ? new T[size] : nullptr);
    size_ = size;
  }

  size_t size() const { return size_; }
  T* data() { return values_.get(); }
  const T* data() const { return values_.get(); }
  T& operator[](size_t i) { return values_[i]; }
  const T& operator[](size_t i) const { return values_[i]; }
  T* begin() { return data(); }
  T* end() { return data() + size_; }

 private:
  std::unique_ptr<T[]> values_;
  size_t size_ = 0;
};

}  // namespace kmn
