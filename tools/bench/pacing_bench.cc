// ghl-bench --pacing: an export's wall time against GHL's rate-limit bound,
// with the real limits (100 requests per 10 s per location), measured side
// by side in one run:
//   paced     : the sandbox adds no latency;
//   +latency  : the sandbox adds L ms to every page (default 250).
//   search    : the same latency, exporting with SearchContacts (10,000
//               contacts in 200 pages of 50), whose numbered pages the
//               gateway keeps in flight ahead (--search-prefetch-pages).
// Each variant gets a fresh sandbox (fresh limiter) and a fresh gateway
// (fresh budget), exports N contacts (default 20,000 = 200 pages) through
// one ListContacts stream, and reports: pages, wall time, the bound
// (pages / 10 per second, the definition), wall / bound, the
// burst-aware bound ((pages - 100) / 10 s: a fresh location may send its
// first 100 at once), the 429s the sandbox issued, and whether the caller
// saw any error (it must not).
#include "tools/bench/pacing_bench.h"

#include <grpcpp/grpcpp.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ghl/contacts/v1/contacts_service.grpc.pb.h"
#include "server/gateway.h"
#include "tools/ghl-sandbox/sandbox.h"

namespace ghl::bench {
namespace {

constexpr char kLocation[] = "ve9EPM428h8vShlRW1KT";
constexpr char kToken[] = "pit-bench-local-only";

struct Result {
  bool ok = false;
  std::string error;
  int64_t contacts = 0;
  int pages = 0;
  double seconds = 0;
  uint64_t sandbox_429 = 0;
  uint64_t requests = 0;
};

// `search_page_size` > 0: export with SearchContacts pages of that size
// (page-numbered, so the gateway keeps pages in flight ahead) instead of
// ListContacts (cursor paged: one page at a time by nature).
Result RunOne(int contacts, int latency_ms, int search_page_size = 0) {
  Result out;
  ghl::sandbox::SandboxOptions so;
  so.generate_contacts = contacts;
  so.generate_location_id = kLocation;
  so.tokens = {{kToken, kLocation, {"contacts.readonly"}}};
  so.rate_limit_max = 100;
  so.rate_limit_interval_ms = 10000;
  if (latency_ms > 0) {
    auto rule = ghl::sandbox::ParseFaultRule(absl::StrCat("latency:ms=", latency_ms));
    if (!rule.ok()) {
      out.error = std::string(rule.status().message());
      return out;
    }
    so.faults.rules.push_back(*rule);
  }
  ghl::sandbox::Sandbox sandbox(so);
  if (auto s = sandbox.Start(); !s.ok()) {
    out.error = absl::StrCat("sandbox: ", s.message());
    return out;
  }
  ghl::server::GatewayConfig gc;
  gc.listen = "127.0.0.1:0";
  gc.upstream = absl::StrCat("http://127.0.0.1:", sandbox.port());
  gc.workers = 4;
  gc.tokens = {{kLocation, kToken}};
  auto gateway = ghl::server::Gateway::Start(gc);
  if (!gateway.ok()) {
    out.error = absl::StrCat("gateway: ", gateway.status().message());
    return out;
  }
  auto stub = ghl::contacts::v1::ContactsService::NewStub(
      grpc::CreateChannel((*gateway)->address(), grpc::InsecureChannelCredentials()));
  const auto t0 = std::chrono::steady_clock::now();
  grpc::ClientContext ctx;
  grpc::Status status;
  if (search_page_size > 0) {
    ghl::contacts::v1::SearchContactsRequest request;
    request.set_location_id(kLocation);
    request.set_page_size(search_page_size);
    auto reader = stub->SearchContacts(&ctx, request);
    ghl::contacts::v1::SearchContactsResponse page;
    while (reader->Read(&page)) {
      out.contacts += page.contacts_size();
      ++out.pages;
    }
    status = reader->Finish();
  } else {
    ghl::contacts::v1::ListContactsRequest request;
    request.set_location_id(kLocation);
    auto reader = stub->ListContacts(&ctx, request);
    ghl::contacts::v1::ListContactsResponse page;
    while (reader->Read(&page)) {
      out.contacts += page.contacts_size();
      ++out.pages;
    }
    status = reader->Finish();
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.ok = status.ok() && out.contacts == contacts;
  if (!status.ok()) out.error = absl::StrCat(status.error_code(), ": ", status.error_message());
  const auto stats = sandbox.Stats();
  out.sandbox_429 = stats.rate_limited_429;
  out.requests = stats.requests;
  (*gateway)->Shutdown(absl::Seconds(1));
  sandbox.Stop();
  return out;
}

void Print(const char* name, const Result& r) {
  const double bound = r.pages / 10.0;
  const double burst_bound = std::max(0, r.pages - 100) / 10.0;
  std::cout << absl::StrFormat(
      "  %-22s %6d pages %8.2f s  bound %6.1f s  ratio %5.2fx  (burst-aware bound %5.1f s: %5.2fx) "
      " "
      "sandbox 429s %llu  upstream calls %llu  caller errors %d%s\n",
      name, r.pages, r.seconds, bound, r.seconds / bound, burst_bound,
      burst_bound > 0 ? r.seconds / burst_bound : 0.0,
      static_cast<unsigned long long>(r.sandbox_429), static_cast<unsigned long long>(r.requests),
      r.ok ? 0 : 1, r.ok ? "" : (" (" + r.error + ")").c_str());
}

// ---- --memory: the gateway's peak RSS for a small and a large export with
// a slow reader, the gateway in its own process (ghl-gateway binary), the
// sandbox in this one.

extern "C" char** environ;

// VmHWM (peak resident set) of `pid` in KiB, or -1.
int64_t PeakRssKib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return -1;
}

struct MemoryResult {
  bool ok = false;
  std::string error;
  int64_t contacts = 0;
  double seconds = 0;
  int64_t peak_kib = -1;
};

MemoryResult RunMemoryOne(const std::string& gateway_bin, int contacts, int reader_ms) {
  MemoryResult out;
  ghl::sandbox::SandboxOptions so;
  so.generate_contacts = contacts;
  so.generate_location_id = kLocation;
  so.tokens = {{kToken, kLocation, {"contacts.readonly"}}};
  so.rate_limit_max = 1 << 30;
  so.rate_limit_daily = 1 << 30;
  ghl::sandbox::Sandbox sandbox(so);
  if (auto s = sandbox.Start(); !s.ok()) {
    out.error = absl::StrCat("sandbox: ", s.message());
    return out;
  }
  char dir_template[] = "/tmp/ghl-bench-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) {
    out.error = "mkdtemp failed";
    return out;
  }
  const std::string port_file = absl::StrCat(dir, "/port");
  std::vector<std::string> args = {gateway_bin, "--listen", "127.0.0.1:0", "--port-file", port_file,
                                   "--upstream", absl::StrCat("http://127.0.0.1:", sandbox.port())};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) env_strings.emplace_back(*e);
  env_strings.push_back(absl::StrCat("GHL_LOCATION_TOKENS=", kLocation, "=", kToken));
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  // The gateway's own lines would interleave with the report.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, gateway_bin.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    out.error = "cannot start " + gateway_bin;
    return out;
  }
  std::string port;
  for (int i = 0; i < 300 && port.empty(); ++i) {
    std::ifstream in(port_file);
    std::getline(in, port);
    if (port.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (port.empty()) {
    out.error = "ghl-gateway did not start";
  } else {
    auto stub = ghl::contacts::v1::ContactsService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    const auto t0 = std::chrono::steady_clock::now();
    grpc::ClientContext ctx;
    ghl::contacts::v1::ListContactsRequest request;
    request.set_location_id(kLocation);
    auto reader = stub->ListContacts(&ctx, request);
    ghl::contacts::v1::ListContactsResponse page;
    while (reader->Read(&page)) {
      out.contacts += page.contacts_size();
      std::this_thread::sleep_for(std::chrono::milliseconds(reader_ms));  // the slow reader
    }
    const grpc::Status status = reader->Finish();
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.peak_kib = PeakRssKib(pid);
    out.ok = status.ok() && out.contacts == contacts;
    if (!status.ok()) out.error = status.error_message();
  }
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  std::remove(port_file.c_str());
  rmdir(dir);
  sandbox.Stop();
  return out;
}

}  // namespace

int RunMemoryBench(const char* self, int argc, char** argv) {
  int small = 10000;
  int large = 1000000;
  int reader_ms = 5;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--small") {
      small = std::atoi(value().c_str());
    } else if (a == "--large") {
      large = std::atoi(value().c_str());
    } else if (a == "--reader-ms-per-page") {
      reader_ms = std::atoi(value().c_str());
    } else {
      std::cerr << "ghl-bench --memory: unknown argument " << a
                << "\nusage: ghl-bench --memory [--small N] [--large N] [--reader-ms-per-page MS]\n";
      return 2;
    }
  }
  if (small < 1 || large < small || reader_ms < 0) {
    std::cerr << "ghl-bench --memory: need 1 <= --small <= --large and --reader-ms-per-page >= 0\n";
    return 2;
  }
  std::string dir(self);
  dir = dir.substr(0, dir.rfind('/') + 1);
  const std::string gateway_bin = dir + "../../server/ghl-gateway";
  std::cout << absl::StrFormat("ghl-bench --memory: gateway peak RSS (VmHWM), slow reader (%d ms per page)\n",
                               reader_ms);
  const MemoryResult a = RunMemoryOne(gateway_bin, small, reader_ms);
  std::cout << absl::StrFormat("  %8d contacts  %8.1f s  peak RSS %7.1f MiB%s\n", small, a.seconds,
                               a.peak_kib / 1024.0, a.ok ? "" : (" FAILED: " + a.error).c_str());
  const MemoryResult b = RunMemoryOne(gateway_bin, large, reader_ms);
  std::cout << absl::StrFormat("  %8d contacts  %8.1f s  peak RSS %7.1f MiB%s\n", large, b.seconds,
                               b.peak_kib / 1024.0, b.ok ? "" : (" FAILED: " + b.error).c_str());
  if (a.ok && b.ok && a.peak_kib > 0) {
    std::cout << absl::StrFormat("  ratio large / small peak RSS: %.2fx\n",
                                 static_cast<double>(b.peak_kib) / static_cast<double>(a.peak_kib));
  }
  return a.ok && b.ok ? 0 : 1;
}

int RunPacingBench(int argc, char** argv) {
  int contacts = 20000;
  int latency_ms = 250;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--contacts") {
      contacts = std::atoi(value().c_str());
    } else if (a == "--latency-ms") {
      latency_ms = std::atoi(value().c_str());
    } else {
      std::cerr << "ghl-bench --pacing: unknown argument " << a
                << "\nusage: ghl-bench --pacing [--contacts N] [--latency-ms L]\n";
      return 2;
    }
  }
  if (contacts < 100 || latency_ms < 0) {
    std::cerr << "ghl-bench --pacing: --contacts must be >= 100 and --latency-ms >= 0\n";
    return 2;
  }
  std::cout << absl::StrFormat(
      "ghl-bench --pacing: %d contacts, real limits (100 per 10 s), one ListContacts stream each\n",
      contacts);
  const Result paced = RunOne(contacts, 0);
  Print("paced, no latency", paced);
  const Result slow = RunOne(contacts, latency_ms);
  Print(absl::StrCat("paced, +", latency_ms, " ms/page").c_str(), slow);
  // Search pages by number (independent pages, kept in flight ahead), up to
  // GHL's 10,000-result page cap: 10,000 contacts in pages of 50.
  const int search_contacts = std::min(contacts, 10000);
  const Result search = RunOne(search_contacts, latency_ms, 50);
  Print(absl::StrCat("search, +", latency_ms, " ms/page").c_str(), search);
  return paced.ok && slow.ok && search.ok ? 0 : 1;
}

}  // namespace ghl::bench
