// Issue 6, the crash test: the real ghl-gateway binary with --webhook-listen
// and --event-log gets 1,000 distinct signed webhooks from 32 concurrent
// senders and is SIGKILLed at a random point (GHL_CRASH_SEED reproduces
// one; the seed is printed). Restarted on the same event log, it gets every
// delivery that did not get 200 again (GHL retries a 429; for a connection
// failure a sender must too). Then WatchEvents from offset 0 (stop_at_end)
// must hold every delivery that got 200, before or after the restart, and
// in the end all 1,000, none twice, offsets strictly increasing; resumed
// from a middle offset it yields exactly the rest. The same with SIGTERM:
// the gateway drains (exit 0) and again no 200 is lost.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tests/integration/webhook_support.h"
#include "tests/support/subprocess.h"

namespace ghl::testing {
namespace {

namespace v1 = ::ghl::contacts::v1;

constexpr char kLocation[] = "CrashLoc000000000001";
constexpr int kDeliveries = 1000;
constexpr int kSenders = 32;

struct Delivery {
  std::string body;
  httplib::Headers headers;
  std::string webhook_id;
};

class GatewayProcess {
 public:
  GatewayProcess(const std::string& dir, int webhook_port, int generation) {
    port_file_ = absl::StrCat(dir, "/grpc.port");
    unlink(port_file_.c_str());
    process_ = std::make_unique<Subprocess>(
        std::vector<std::string>{Env("GHL_BINARY_DIR") + "/server/ghl-gateway", "--listen",
                                 "127.0.0.1:0", "--port-file", port_file_, "--upstream",
                                 "http://127.0.0.1:9", "--webhook-listen",
                                 absl::StrCat("127.0.0.1:", webhook_port), "--event-log",
                                 dir + "/events.db", "--webhook-key-dir", dir + "/keys"},
        absl::StrCat(dir, "/gateway-", generation, ".log"));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline && process_->running()) {
      int port = 0;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadFile(port_file_)), &port) && port > 0 &&
          WaitForPort(webhook_port, std::chrono::milliseconds(100))) {
        grpc_port_ = port;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  int grpc_port() const { return grpc_port_; }
  Subprocess& process() { return *process_; }

 private:
  std::string port_file_;
  std::unique_ptr<Subprocess> process_;
  int grpc_port_ = 0;
};

// Sends `indexes` from kSenders threads; records each answer's status
// (-1: no answer). `after_each` runs after every answer.
void SendAll(const std::vector<Delivery>& deliveries, const std::vector<int>& indexes, int port,
             std::vector<int>* status, const std::function<void()>& after_each) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kSenders; ++t) {
    threads.emplace_back([&] {
      httplib::Client client("127.0.0.1", port);
      client.set_connection_timeout(2);
      client.set_read_timeout(30);
      for (size_t i = next++; i < indexes.size(); i = next++) {
        const Delivery& d = deliveries[indexes[i]];
        (*status)[indexes[i]] = PostWebhook(client, d.body, d.headers);
        after_each();
      }
    });
  }
  for (auto& t : threads) t.join();
}

// The whole scenario, with the gateway stopped by `signal` (SIGKILL: a
// crash; SIGTERM: the graceful drain, which must also exit 0).
void RunCrash(int signal) {
  const char* how = signal == SIGKILL ? "SIGKILL" : "SIGTERM";
  const auto started = std::chrono::steady_clock::now();
  const std::string seed_text = Env("GHL_CRASH_SEED");
  uint64_t seed = 0;
  if (seed_text.empty() || !absl::SimpleAtoi(seed_text, &seed)) seed = std::random_device{}();
  std::mt19937_64 rng(seed);
  // Kill after this many answers (any outcome) of the first round.
  const int kill_after = 50 + static_cast<int>(rng() % 850);
  std::cout << "webhook crash: seed " << seed << " (GHL_CRASH_SEED), " << how << " after "
            << kill_after << " answers" << std::endl;

  const std::string dir = ::testing::TempDir() + "/webhook_crash_" + how + "_" + std::to_string(getpid());
  ASSERT_EQ(system(("rm -rf '" + dir + "' && mkdir -p '" + dir + "'").c_str()), 0);
  FakeGhl ghl(dir + "/keys");
  ASSERT_TRUE(ghl.error().empty()) << ghl.error();

  std::vector<Delivery> deliveries(kDeliveries);
  for (int i = 0; i < kDeliveries; ++i) {
    Delivery& d = deliveries[i];
    d.webhook_id = absl::StrCat("crash-wh-", seed, "-", i);
    d.body = FakeGhl::ContactCreate(kLocation, absl::StrCat("contact", i), d.webhook_id);
    d.headers = ghl.Sign(d.body, true, false);
  }

  const int webhook_port = FreePort();
  auto gateway = std::make_unique<GatewayProcess>(dir, webhook_port, 1);
  ASSERT_GT(gateway->grpc_port(), 0) << gateway->process().log();

  // Round 1: all 1,000 at once; SIGKILL at the seeded point.
  std::vector<int> first(kDeliveries, 0);
  std::vector<int> all(kDeliveries);
  for (int i = 0; i < kDeliveries; ++i) all[i] = i;
  std::atomic<int> answers{0};
  std::once_flag killed;
  int exit_code = -1;
  const auto stop = [&] {
    if (signal == SIGKILL) {
      gateway->process().Kill();
    } else {
      // The drain: the port closes, deliveries in flight finish, exit 0.
      gateway->process().Signal(SIGTERM);
      exit_code = gateway->process().Wait();
    }
  };
  SendAll(deliveries, all, webhook_port, &first, [&] {
    if (answers.fetch_add(1) + 1 == kill_after) std::call_once(killed, stop);
  });
  std::call_once(killed, stop);
  if (signal == SIGTERM) {
    EXPECT_EQ(exit_code, 0) << gateway->process().log();
  }
  std::set<int> accepted_before;
  std::vector<int> resend;
  for (int i = 0; i < kDeliveries; ++i) {
    if (first[i] == 200) {
      accepted_before.insert(i);
    } else {
      // Only 200, or no answer at all (the kill), are expected here.
      EXPECT_TRUE(first[i] == -1 || first[i] == 429) << "delivery " << i << ": " << first[i];
      resend.push_back(i);
    }
  }
  // A SIGKILL must cut some off. A SIGTERM may not: every delivery already
  // connected when it came is in flight and is drained (up to the listen
  // queue of 1,024, more than the 1,000 sent), so all 1,000 answered 200 for
  // some seeds (GHL_CRASH_SEED=2399734978 did every time).
  if (signal == SIGKILL) {
    EXPECT_FALSE(resend.empty()) << "the kill came after every delivery";
  }

  // Round 2: a restart on the same log; every delivery without a 200 again.
  gateway = std::make_unique<GatewayProcess>(dir, webhook_port, 2);
  ASSERT_GT(gateway->grpc_port(), 0) << gateway->process().log();
  std::vector<int> second(kDeliveries, 0);
  SendAll(deliveries, resend, webhook_port, &second, [] {});
  int accepted_after = 0, duplicates = 0;
  for (int i : resend) {
    // 409: it was logged before the kill, but its 200 never went out.
    EXPECT_TRUE(second[i] == 200 || second[i] == 409) << "delivery " << i << ": " << second[i];
    accepted_after += second[i] == 200;
    duplicates += second[i] == 409;
  }

  auto stub = v1::EventsService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", gateway->grpc_port()), grpc::InsecureChannelCredentials()));
  v1::WatchEventsRequest request;
  request.set_location_id(kLocation);
  request.set_stop_at_end(true);
  WatchResult stream = WatchAll(*stub, request);
  ASSERT_TRUE(stream.status.ok()) << stream.status.error_message();
  std::map<std::string, int64_t> offset_of;
  int64_t previous = 0;
  for (const v1::Event& e : stream.events) {
    EXPECT_GT(e.offset(), previous) << "offsets must increase";
    previous = e.offset();
    EXPECT_TRUE(offset_of.emplace(e.webhook_id(), e.offset()).second) << e.webhook_id() << " twice";
  }
  for (int i : accepted_before) {
    EXPECT_TRUE(offset_of.count(deliveries[i].webhook_id)) << "accepted (200) delivery " << i << " lost";
  }
  for (int i = 0; i < kDeliveries; ++i) {
    EXPECT_TRUE(offset_of.count(deliveries[i].webhook_id)) << "delivery " << i << " missing";
  }
  EXPECT_EQ(stream.events.size(), static_cast<size_t>(kDeliveries));

  // Resumed from the middle: exactly the rest.
  ASSERT_GT(stream.events.size(), 500u);
  request.set_after_offset(stream.events[499].offset());
  WatchResult rest = WatchAll(*stub, request);
  ASSERT_TRUE(rest.status.ok()) << rest.status.error_message();
  ASSERT_EQ(rest.events.size(), stream.events.size() - 500);
  for (size_t i = 0; i < rest.events.size(); ++i) {
    EXPECT_EQ(rest.events[i].webhook_id(), stream.events[500 + i].webhook_id());
  }

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "webhook crash: seed " << seed << ": " << accepted_before.size()
            << " accepted (200) before the " << how << ", " << resend.size() << " resent after the restart ("
            << accepted_after << " accepted, " << duplicates
            << " already logged: 409), " << stream.events.size() << " events in the log, "
            << offset_of.size() << " distinct, in " << seconds << " s" << std::endl;
  gateway->process().Stop();
}

TEST(WebhookCrash, EveryAcceptedDeliverySurvivesSigkillAndNoneIsDuplicated) { RunCrash(SIGKILL); }

TEST(WebhookCrash, SigtermDrainsInFlightDeliveriesAndExitsZero) { RunCrash(SIGTERM); }

}  // namespace
}  // namespace ghl::testing
