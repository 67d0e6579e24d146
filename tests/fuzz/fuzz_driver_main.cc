// A libFuzzer-compatible driver for the unit build (g++, no libFuzzer): runs
// LLVMFuzzerTestOneInput over every file of the seed corpus, then over
// deterministic mutations of them (byte flips, inserts, deletes, splices of
// JSON tokens), so the fuzz target runs in every `tools/test` without clang.
// Coverage-guided fuzzing is tools/fuzz/run's job.
//
// Usage: contact_mapping_fuzz_test CORPUS_DIR [MUTATIONS] [SEED]
#include <dirent.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<std::string> ReadCorpus(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::ifstream in(dir + "/" + name, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    out.push_back(s.str());
  }
  closedir(d);
  return out;
}

void Run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS] [SEED]\n", argv[0]);
    return 2;
  }
  const std::vector<std::string> corpus = ReadCorpus(argv[1]);
  if (corpus.empty()) {
    std::fprintf(stderr, "no seed inputs in %s\n", argv[1]);
    return 2;
  }
  const long mutations = argc > 2 ? std::atol(argv[2]) : 20000;
  std::mt19937_64 rng(argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1);
  static const char* kTokens[] = {"{",
                                  "}",
                                  "[",
                                  "]",
                                  ",",
                                  ":",
                                  "\"",
                                  "null",
                                  "true",
                                  "1e309",
                                  "-0",
                                  "\"\\ud800\"",
                                  "\"\\u0000\"",
                                  "[[[[[[[[",
                                  "{\"a\":",
                                  "\xff",
                                  "9223372036854775808"};
  for (const auto& input : corpus) Run(input);
  long execs = static_cast<long>(corpus.size());
  for (long i = 0; i < mutations; ++i) {
    std::string s = corpus[rng() % corpus.size()];
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < edits && !s.empty(); ++k) {
      const size_t at = rng() % s.size();
      switch (rng() % 5) {
        case 0:
          s[at] = static_cast<char>(rng());
          break;
        case 1:
          s.erase(at, 1 + rng() % 16);
          break;
        case 2:
          s.insert(at, kTokens[rng() % (sizeof kTokens / sizeof *kTokens)]);
          break;
        case 3:
          s.resize(at);
          break;  // truncation, as a cut body
        default: {
          const std::string& other = corpus[rng() % corpus.size()];
          const size_t from = rng() % other.size();
          s.insert(at, other.substr(from, 1 + rng() % 64));
        }
      }
    }
    Run(s);
    ++execs;
  }
  std::printf("contact mapping fuzz driver: %ld executions, no crash\n", execs);
  return 0;
}
