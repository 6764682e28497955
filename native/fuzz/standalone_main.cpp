// A driver for LLVMFuzzerTestOneInput where libFuzzer is not available (g++): no coverage
// feedback, but the same decoding, the same invariants and the sanitizers.
//
//   kmn_fuzz_kernels [--runs N] [--seed S] [--first I] [--max-len L] [--timeout SECONDS]
//   kmn_fuzz_kernels PATH...
//
// Without paths: runs inputs I .. I+N-1 (default 0 .. 999) of seed S (default 1). Input i is
// a random length in [0, L] (default 4096) and random bytes, both from splitmix64 seeded
// with S and i alone, so any one input can be run again with --first i --runs 1. With paths:
// runs each file given, and each file in each folder given (a libFuzzer corpus, a crash
// input). An input that fails aborts the process (the harness prints why); the driver first
// writes it to crash-<seed>-<index> (random inputs) in the current folder and names the file.
// An input still running after --timeout seconds (default 60) counts as a hang. Prints one
// summary line at the end: the number of inputs executed.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "splitmix64.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// Defined by the sanitizer runtimes when one is linked in; weak, so that an unsanitized build
// links too.
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

namespace {

// The input being run, for the crash handlers (which may only make async-signal-safe calls).
const uint8_t* g_input = nullptr;
size_t g_input_size = 0;
char g_crash_path[256] = "";  // where a failing random input is written; empty for files
char g_input_name[512] = "";  // the file being run, for the report

void write_all(int fd, const void* data, size_t size) {
  const char* at = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = write(fd, at, size);
    if (written <= 0) return;
    at += written;
    size -= static_cast<size_t>(written);
  }
}

void write_text(const char* text) { write_all(STDERR_FILENO, text, std::strlen(text)); }

// Saves the failing input and says which one it was; runs on abort(), on a sanitizer's report
// and on a hang.
void report_failure() {
  static volatile sig_atomic_t reported = 0;
  if (reported) return;
  reported = 1;
  if (g_crash_path[0] != '\0' && g_input != nullptr) {
    const int fd = open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      write_all(fd, g_input, g_input_size);
      close(fd);
      write_text("kmn_fuzz_kernels: failing input written to ");
      write_text(g_crash_path);
      write_text("\n");
    }
  } else if (g_input_name[0] != '\0') {
    write_text("kmn_fuzz_kernels: failing input: ");
    write_text(g_input_name);
    write_text("\n");
  }
}

void on_signal(int signal_number) {
  if (signal_number == SIGALRM) write_text("\nkmn_fuzz_kernels: input timed out (a hang)\n");
  report_failure();
  signal(signal_number, SIG_DFL);
  if (signal_number == SIGALRM) signal_number = SIGABRT;
  raise(signal_number);
}

void install_handlers() {
  signal(SIGABRT, on_signal);
  signal(SIGALRM, on_signal);
  signal(SIGSEGV, on_signal);
  signal(SIGFPE, on_signal);
  // AddressSanitizer and UndefinedBehaviorSanitizer exit through their own path, not abort().
  if (__sanitizer_set_death_callback != nullptr) __sanitizer_set_death_callback(report_failure);
}

void run_one(const std::vector<uint8_t>& input, unsigned timeout) {
  g_input = input.data();
  g_input_size = input.size();
  alarm(timeout);
  LLVMFuzzerTestOneInput(input.data(), input.size());
  alarm(0);
}

// Input `index` of `seed`: its own splitmix64 stream, so it does not depend on the others.
std::vector<uint8_t> random_input(uint64_t seed, uint64_t index, size_t max_len) {
  uint64_t state = seed ^ (index * 0xd1b54a32d192ed03ULL);
  kmn::fuzz::splitmix64(&state);
  const size_t size = static_cast<size_t>(kmn::fuzz::splitmix64(&state) % (max_len + 1));
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; i += 8) {
    const uint64_t word = kmn::fuzz::splitmix64(&state);
    for (size_t b = 0; b < 8 && i + b < size; ++b) bytes[i + b] = static_cast<uint8_t>(word >> (8 * b));
  }
  return bytes;
}

bool parse_number(const char* text, uint64_t* out) {
  char* end = nullptr;
  *out = std::strtoull(text, &end, 10);
  return end != text && *end == '\0';
}

int usage() {
  std::fprintf(stderr,
               "usage: kmn_fuzz_kernels [--runs N] [--seed S] [--first I] [--max-len L] [--timeout SECONDS]\n"
               "       kmn_fuzz_kernels PATH...   (files, or folders of files, to run)\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t runs = 1000, seed = 1, first = 0, max_len = 4096, timeout = 60;
  std::vector<std::string> paths;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    uint64_t* target = arg == "--runs"      ? &runs
                       : arg == "--seed"    ? &seed
                       : arg == "--first"   ? &first
                       : arg == "--max-len" ? &max_len
                       : arg == "--timeout" ? &timeout
                                            : nullptr;
    if (target != nullptr) {
      if (a + 1 >= argc || !parse_number(argv[a + 1], target)) return usage();
      ++a;
    } else if (!arg.empty() && arg[0] == '-') {
      return usage();
    } else {
      paths.push_back(arg);
    }
  }
  install_handlers();
  const auto start = std::chrono::steady_clock::now();
  uint64_t executed = 0;
  if (!paths.empty()) {
    std::vector<std::string> files;
    for (const std::string& path : paths) {
      if (std::filesystem::is_directory(path)) {
        std::vector<std::string> inside;
        for (const auto& entry : std::filesystem::directory_iterator(path))
          if (entry.is_regular_file()) inside.push_back(entry.path().string());
        std::sort(inside.begin(), inside.end());
        files.insert(files.end(), inside.begin(), inside.end());
      } else {
        files.push_back(path);
      }
    }
    for (const std::string& file : files) {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "kmn_fuzz_kernels: cannot read %s\n", file.c_str());
        return 2;
      }
      const std::vector<uint8_t> input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::snprintf(g_input_name, sizeof g_input_name, "%s", file.c_str());
      run_one(input, static_cast<unsigned>(timeout));
      ++executed;
    }
  } else {
    for (uint64_t i = first; i < first + runs; ++i) {
      const std::vector<uint8_t> input = random_input(seed, i, static_cast<size_t>(max_len));
      std::snprintf(g_crash_path, sizeof g_crash_path, "crash-%" PRIu64 "-%" PRIu64, seed, i);
      run_one(input, static_cast<unsigned>(timeout));
      ++executed;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (paths.empty()) {
    std::printf("kmn_fuzz_kernels: %" PRIu64 " inputs executed (seed %" PRIu64 ", inputs %" PRIu64 "..%" PRIu64
                ", lengths 0..%" PRIu64 "), no failure, %.1f s\n",
                executed, seed, first, first + runs - (runs > 0 ? 1 : 0), max_len, seconds);
  } else {
    std::printf("kmn_fuzz_kernels: %" PRIu64 " inputs executed (from files), no failure, %.1f s\n", executed, seconds);
  }
  return 0;
}
