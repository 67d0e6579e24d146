// ghl-bench: export throughput through the gateway against the raw cost of
// parsing the same pages, measured side by side in one run.
//
// Set-up (all in this process, loopback): ghl-sandbox with a location, the
// gateway on port 0 in front of it, a gRPC client. Each round measures, in
// alternation so machine noise hits all of them alike:
//   parse   : RapidJSON + proto building of the pre-fetched page bodies
//             (ParseListContactsBody), no I/O;
//   http    : the same pages fetched over HTTP and parsed (the stub's work,
//             no gRPC);
//   gateway : a full ListContacts stream through the gateway (what a caller
//             sees).
// It prints medians and the ratios gateway/parse and gateway/http. The
// sandbox's rate limit is lifted: this measures our code, not GHL's pacing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "adapters/ghl/contacts/contacts_stub.h"
#include "adapters/ghl/http/curl_http_transport.h"
#include "ghl/contacts/v1/contacts_service.grpc.pb.h"
#include "server/gateway.h"
#include "tools/bench/pacing_bench.h"
#include "tools/ghl-sandbox/sandbox.h"

namespace {

constexpr char kLocation[] = "ve9EPM428h8vShlRW1KT";
constexpr char kToken[] = "pit-bench-local-only";

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Args {
  std::string data_dir;
  int contacts = 0;
  int rounds = 5;
};

int Usage(const char* why) {
  if (why) std::cerr << "ghl-bench: " << why << "\n";
  std::cerr << "usage: ghl-bench (--data DIR | --contacts N) [--rounds R]\n"
               "       ghl-bench --pacing [--contacts N] [--latency-ms L]   (issue 5: rate-limit bound)\n"
               "       ghl-bench --memory [--small N] [--large N] [--reader-ms-per-page MS]   (gateway RSS)\n"
               "  --data DIR      a dataset folder (e.g. ../shared/data/location-demo)\n"
               "  --contacts N    a generated location of N contacts instead\n"
               "  --rounds R      measured rounds per variant (default 5; medians are printed)\n";
  return why ? 2 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--pacing") return ghl::bench::RunPacingBench(argc - 2, argv + 2);
  if (argc > 1 && std::string(argv[1]) == "--memory") {
    return ghl::bench::RunMemoryBench(argv[0], argc - 2, argv + 2);
  }
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--data") args.data_dir = value();
    else if (a == "--contacts") args.contacts = std::atoi(value().c_str());
    else if (a == "--rounds") args.rounds = std::atoi(value().c_str());
    else if (a == "--help" || a == "-h") return Usage(nullptr);
    else return Usage(("unknown argument " + a).c_str());
  }
  if (args.data_dir.empty() == (args.contacts <= 0)) return Usage("give exactly one of --data or --contacts");
  if (args.rounds < 1) return Usage("--rounds must be >= 1");

  ghl::sandbox::SandboxOptions so;
  so.data_dir = args.data_dir;
  so.generate_contacts = args.contacts;
  so.generate_location_id = kLocation;
  so.tokens = {{kToken, kLocation, {"contacts.readonly"}}};
  so.rate_limit_max = 1 << 30;
  so.rate_limit_daily = 1 << 30;
  ghl::sandbox::Sandbox sandbox(so);
  if (auto s = sandbox.Start(); !s.ok()) {
    std::cerr << "ghl-bench: sandbox: " << s.message() << "\n";
    return 1;
  }
  const std::string upstream = absl::StrCat("http://127.0.0.1:", sandbox.port());

  ghl::server::GatewayConfig gc;
  gc.listen = "127.0.0.1:0";
  gc.upstream = upstream;
  gc.workers = 2;
  gc.tokens = {{kLocation, kToken}};
  auto gateway = ghl::server::Gateway::Start(gc);
  if (!gateway.ok()) {
    std::cerr << "ghl-bench: gateway: " << gateway.status().message() << "\n";
    return 1;
  }
  auto grpc_stub = ghl::contacts::v1::ContactsService::NewStub(
      grpc::CreateChannel((*gateway)->address(), grpc::InsecureChannelCredentials()));

  std::shared_ptr<ghl::http::HttpTransport> transport = ghl::http::MakeCurlHttpTransport();
  auto tokens = std::make_shared<ghl::auth::StaticTokenSource>(std::map<std::string, std::string>{{kLocation, kToken}});
  auto rest = ghl::contacts::MakeDefaultContactsStub(transport, upstream, tokens);

  // The raw page bodies, fetched once, for the parse-only variant.
  std::vector<std::string> bodies;
  {
    std::optional<ghl::contacts::ListCursor> cursor;
    do {
      ghl::http::HttpRequest req;
      req.url = absl::StrCat(upstream, "/contacts/?locationId=", kLocation, "&limit=100");
      if (cursor) absl::StrAppend(&req.url, "&startAfterId=", cursor->start_after_id, "&startAfter=", cursor->start_after);
      req.headers = {{"Authorization", absl::StrCat("Bearer ", kToken)}, {"Version", ghl::contacts::kGhlApiVersion}};
      auto r = transport->Send(req);
      if (!r.ok() || r->status_code != 200) {
        std::cerr << "ghl-bench: prefetch failed\n";
        return 1;
      }
      auto page = ghl::contacts::ParseListContactsBody(r->body);
      if (!page.ok()) {
        std::cerr << "ghl-bench: " << page.status().message() << "\n";
        return 1;
      }
      bodies.push_back(std::move(r->body));
      cursor = page->next;
    } while (cursor);
  }

  int64_t expected = 0;
  size_t bytes = 0;
  for (const auto& b : bodies) {
    expected += static_cast<int64_t>(ghl::contacts::ParseListContactsBody(b)->contacts.size());
    bytes += b.size();
  }

  std::vector<double> parse_s, http_s, gateway_s;
  for (int round = 0; round <= args.rounds; ++round) {  // round 0 warms up
    auto t0 = Clock::now();
    int64_t n = 0;
    for (const auto& b : bodies) n += static_cast<int64_t>(ghl::contacts::ParseListContactsBody(b)->contacts.size());
    auto t1 = Clock::now();
    if (n != expected) return 1;

    n = 0;
    ghl::contacts::ListContactsPageRequest pr{kLocation, "", 100, std::nullopt};
    do {
      auto page = rest->ListContacts(ghl::contacts::CallOptions{}, pr);
      if (!page.ok()) {
        std::cerr << "ghl-bench: http: " << page.status().message() << "\n";
        return 1;
      }
      n += static_cast<int64_t>(page->contacts.size());
      pr.cursor = page->next;
    } while (pr.cursor);
    auto t2 = Clock::now();
    if (n != expected) return 1;

    n = 0;
    grpc::ClientContext ctx;
    ghl::contacts::v1::ListContactsRequest lr;
    lr.set_location_id(kLocation);
    auto reader = grpc_stub->ListContacts(&ctx, lr);
    ghl::contacts::v1::ListContactsResponse page;
    while (reader->Read(&page)) n += page.contacts_size();
    auto status = reader->Finish();
    auto t3 = Clock::now();
    if (!status.ok() || n != expected) {
      std::cerr << "ghl-bench: gateway export failed: " << status.error_message() << " (" << n << " contacts)\n";
      return 1;
    }
    if (round == 0) continue;
    parse_s.push_back(Seconds(t0, t1));
    http_s.push_back(Seconds(t1, t2));
    gateway_s.push_back(Seconds(t2, t3));
  }

  const double parse = Median(parse_s), http = Median(http_s), gw = Median(gateway_s);
  auto line = [&](const char* name, double s) {
    std::cout << absl::StrFormat("  %-44s %8.3f s %10.0f contacts/s\n", name, s, expected / s);
  };
  std::cout << absl::StrFormat("ghl-bench: %d contacts, %d pages, %.1f MB of JSON, %d rounds (medians)\n",
                               expected, bodies.size(), bytes / 1e6, args.rounds);
  line("parse only (RapidJSON -> protos)", parse);
  line("HTTP + parse (REST stub, no gRPC)", http);
  line("export through the gateway (gRPC stream)", gw);
  std::cout << absl::StrFormat("  ratio gateway export / parse only:  %.2fx\n", gw / parse);
  std::cout << absl::StrFormat("  ratio gateway export / HTTP + parse: %.2fx\n", gw / http);
  (*gateway)->Shutdown(absl::Seconds(1));
  sandbox.Stop();
  return 0;
}
