// Issue 6, in-process: the gateway's webhook listener and
// EventsService.WatchEvents end to end. Deliveries are signed with generated
// keys (WebhookSigner) the gateway trusts through --webhook-key-dir:
// accepted ones are streamed by WatchEvents, forged, tampered, stale,
// replayed and malformed ones are refused with the documented statuses and
// never streamed; request validation; a gateway without an event log; a
// filtered watcher's heartbeats; 50 live watchers; cancellation (the
// open-streams gauge returns to its idle value); shutdown; ghlctl watch.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "adapters/ghl/auth/api_key_store.h"
#include "adapters/ghl/auth/sqlite_db.h"
#include "adapters/ghl/core/metrics.h"
#include "client/clock.h"
#include "client/events_client.h"
#include "client/ghlctl/commands.h"
#include "server/gateway.h"
#include "server/gateway_config.h"
#include "tests/integration/webhook_support.h"
#include "tests/support/subprocess.h"

namespace ghl::testing {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kLocation[] = "WebhookLoc0000000001";
constexpr char kOtherLocation[] = "WebhookLoc0000000002";

double OpenStreams() {
  for (absl::string_view line : absl::StrSplit(metrics::DefaultRegistry().Exposition(), '\n')) {
    if (absl::StartsWith(line, "ghl_gateway_open_streams ")) {
      double v = 0;
      if (absl::SimpleAtod(line.substr(line.find(' ') + 1), &v)) return v;
    }
  }
  return -1;
}

// Polls `done` until it is true or `timeout` passes.
template <typename F>
bool Eventually(F done, std::chrono::seconds timeout = std::chrono::seconds(120)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

class WebhookEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/webhook_events_" + std::to_string(getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    ASSERT_EQ(system(("rm -rf '" + dir_ + "' && mkdir -p '" + dir_ + "'").c_str()), 0);
    ghl_ = std::make_unique<FakeGhl>(dir_ + "/keys");
    ASSERT_TRUE(ghl_->error().empty()) << ghl_->error();
    StartGateway();
  }
  void TearDown() override {
    if (gateway_) gateway_->Shutdown(absl::Seconds(2));
  }

  void StartGateway() {
    auto config = ghl::server::ParseGatewayConfig(
        {"--listen", listen_, "--upstream", "http://127.0.0.1:9", "--webhook-listen", "0",
         "--event-log", dir_ + "/events.db", "--webhook-key-dir", dir_ + "/keys",
         "--watch-heartbeat-s", "1"},
        {});
    ASSERT_TRUE(config.ok()) << config.status();
    auto gateway = ghl::server::Gateway::Start(*config);
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    channel_ = grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials());
    stub_ = v1::EventsService::NewStub(channel_);
    http_ = std::make_unique<httplib::Client>("127.0.0.1", gateway_->webhook_port());
  }

  int Post(const std::string& body, std::string* answer = nullptr) {
    return PostWebhook(*http_, body, ghl_->Sign(body), answer);
  }

  v1::WatchEventsRequest Request(int64_t after = 0, bool stop_at_end = true) {
    v1::WatchEventsRequest r;
    r.set_location_id(kLocation);
    r.set_after_offset(after);
    r.set_stop_at_end(stop_at_end);
    return r;
  }

  std::string listen_ = "127.0.0.1:0";
  std::string dir_;
  std::unique_ptr<FakeGhl> ghl_;
  std::unique_ptr<ghl::server::Gateway> gateway_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::EventsService::Stub> stub_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(WebhookEventsTest, SignedDeliveriesAreStreamedAndBadOnesRefused) {
  // Accepted: Ed25519 (+RSA), RSA only (legacy), another location.
  EXPECT_EQ(Post(FakeGhl::ContactCreate(kLocation, "c1", "wh-1")), 200);
  const std::string rsa_only = FakeGhl::ContactCreate(kLocation, "c2", "wh-2");
  EXPECT_EQ(PostWebhook(*http_, rsa_only, ghl_->Sign(rsa_only, false, true)), 200);
  EXPECT_EQ(Post(FakeGhl::TaskCreate(kLocation, "t1", "wh-3")), 200);
  EXPECT_EQ(Post(FakeGhl::ContactCreate(kOtherLocation, "c9", "wh-4")), 200);

  // Forged: signed with a key the gateway does not trust.
  FakeGhl stranger(dir_ + "/stranger-keys");
  ASSERT_TRUE(stranger.error().empty()) << stranger.error();
  const std::string forged = FakeGhl::ContactCreate(kLocation, "f1", "wh-forged");
  std::string answer;
  EXPECT_EQ(PostWebhook(*http_, forged, stranger.Sign(forged), &answer), 401);
  EXPECT_THAT(answer, Not(HasSubstr("f1")));
  // Tampered: a valid signature of another body.
  std::string tampered = FakeGhl::ContactCreate(kLocation, "x1", "wh-tampered");
  const auto headers = ghl_->Sign(tampered);
  tampered.replace(tampered.find("x1"), 2, "x2");
  EXPECT_EQ(PostWebhook(*http_, tampered, headers), 401);
  // Unsigned.
  EXPECT_EQ(PostWebhook(*http_, FakeGhl::ContactCreate(kLocation, "u1", "wh-unsigned"), {}), 401);
  // Stale: an hour old (window 300 s).
  EXPECT_EQ(Post(FakeGhl::ContactCreate(kLocation, "s1", "wh-stale", absl::Hours(-1))), 401);
  // Replayed: the first delivery again.
  std::string replay = FakeGhl::ContactCreate(kLocation, "c1-again", "wh-1");
  EXPECT_EQ(Post(replay), 409);
  // Malformed: signed, but not a JSON object / no type.
  EXPECT_EQ(Post("not json"), 400);
  EXPECT_EQ(Post(R"({"locationId":"x"})"), 400);

  // Other paths and methods; health.
  auto get = http_->Get("/webhooks/ghl");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  auto other = http_->Post("/", "{}", "application/json");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  auto health = http_->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");

  WatchResult all = WatchAll(*stub_, Request());
  ASSERT_TRUE(all.status.ok()) << all.status.error_message();
  ASSERT_EQ(all.events.size(), 3u);
  std::vector<std::string> ids;
  int64_t previous = 0;
  for (const auto& e : all.events) {
    ids.push_back(e.webhook_id());
    EXPECT_GT(e.offset(), previous);
    previous = e.offset();
    EXPECT_EQ(e.location_id(), kLocation);
  }
  EXPECT_THAT(ids, ::testing::ElementsAre("wh-1", "wh-2", "wh-3"));
  EXPECT_EQ(all.events[0].type(), v1::EVENT_TYPE_CONTACT_CREATE);
  EXPECT_EQ(all.events[0].contact().id(), "c1");
  EXPECT_EQ(all.events[0].signature_scheme(), v1::SIGNATURE_SCHEME_ED25519);
  EXPECT_EQ(all.events[1].signature_scheme(), v1::SIGNATURE_SCHEME_RSA_SHA256);
  EXPECT_EQ(all.events[2].task().id(), "t1");
  for (const auto& m : all.messages) {
    if (m.has_event()) {
      EXPECT_EQ(m.read_offset(), m.event().offset());
    }
  }

  // Resumed after the first event: exactly the rest.
  WatchResult rest = WatchAll(*stub_, Request(all.events[0].offset()));
  ASSERT_TRUE(rest.status.ok()) << rest.status.error_message();
  ASSERT_EQ(rest.events.size(), 2u);
  EXPECT_EQ(rest.events[0].webhook_id(), "wh-2");

  // Filtered: only tasks; the stream ends with a heartbeat past the
  // contact events it skipped, so the caller can store that offset.
  auto tasks = Request();
  tasks.add_event_types(v1::EVENT_TYPE_TASK_CREATE);
  WatchResult filtered = WatchAll(*stub_, tasks);
  ASSERT_TRUE(filtered.status.ok()) << filtered.status.error_message();
  ASSERT_EQ(filtered.events.size(), 1u);
  EXPECT_EQ(filtered.events[0].webhook_id(), "wh-3");
  ASSERT_FALSE(filtered.messages.empty());
  EXPECT_FALSE(filtered.messages.back().has_event());
  EXPECT_EQ(filtered.messages.back().read_offset(), 4);  // wh-4 of the other location
}

TEST_F(WebhookEventsTest, CompressedBodiesAreRefusedUnread) {
  // httplib would inflate these before the handler (its cap counts the
  // compressed bytes): a small gzip of zeros became gigabytes in memory.
  // Refused with 415 whatever the body, signed or not; nothing is logged.
  const std::string body = FakeGhl::ContactCreate(kLocation, "gz1", "wh-gzip");
  for (const char* encoding : {"gzip", "deflate", "br", "x-junk"}) {
    httplib::Headers headers = ghl_->Sign(body);
    headers.emplace("Content-Encoding", encoding);
    std::string answer;
    EXPECT_EQ(PostWebhook(*http_, body, headers, &answer), 415) << encoding;
    EXPECT_THAT(answer, HasSubstr("Content-Encoding is not accepted")) << encoding;
  }
  httplib::Headers identity = ghl_->Sign(body);
  identity.emplace("Content-Encoding", "identity");
  EXPECT_EQ(PostWebhook(*http_, body, identity), 200);
  WatchResult all = WatchAll(*stub_, Request());
  ASSERT_TRUE(all.status.ok()) << all.status.error_message();
  EXPECT_EQ(all.events.size(), 1u);
}

TEST_F(WebhookEventsTest, ChunkedBodiesAreCappedWhileRead) {
  // httplib's own cap reads Content-Length only: a chunked body was read
  // whole before the receiver refused it. Now at most one byte over the cap
  // is read. (64 KiB over, so the loopback buffers take the unread rest and
  // the client sees the answer.)
  auto post_chunked = [&](const std::string& body, const httplib::Headers& headers,
                          std::string* answer) {
    auto res = http_->Post(
        "/webhooks/ghl", headers,
        [&body](size_t offset, httplib::DataSink& sink) {
          if (offset < body.size()) {
            sink.write(body.data() + offset, std::min<size_t>(16384, body.size() - offset));
          } else {
            sink.done();
          }
          return true;
        },
        "application/json");
    if (!res) return -1;
    *answer = res->body;
    return res->status;
  };
  std::string answer;
  const std::string signed_body = FakeGhl::ContactCreate(kLocation, "ch1", "wh-chunked");
  EXPECT_EQ(post_chunked(signed_body, ghl_->Sign(signed_body), &answer), 200) << answer;
  const std::string big((1 << 20) + (64 << 10), 'x');
  EXPECT_EQ(post_chunked(big, {}, &answer), 413);
  EXPECT_THAT(answer, HasSubstr("body of 1048577 bytes is over the limit of 1048576"));
  WatchResult all = WatchAll(*stub_, Request());
  ASSERT_TRUE(all.status.ok()) << all.status.error_message();
  EXPECT_EQ(all.events.size(), 1u);
}

TEST_F(WebhookEventsTest, AcceptedEventsSurviveAGatewayRestart) {
  ASSERT_EQ(Post(FakeGhl::ContactCreate(kLocation, "c1", "wh-1")), 200);
  ASSERT_EQ(Post(FakeGhl::ContactCreate(kLocation, "c2", "wh-2")), 200);
  gateway_->Shutdown(absl::Seconds(2));
  gateway_.reset();
  StartGateway();
  // A replay after the restart is still a replay.
  EXPECT_EQ(Post(FakeGhl::ContactCreate(kLocation, "c1", "wh-1")), 409);
  WatchResult all = WatchAll(*stub_, Request());
  ASSERT_TRUE(all.status.ok()) << all.status.error_message();
  ASSERT_EQ(all.events.size(), 2u);
  EXPECT_EQ(all.events[1].webhook_id(), "wh-2");
}

TEST_F(WebhookEventsTest, BadRequestsNameTheField) {
  auto no_location = Request();
  no_location.clear_location_id();
  WatchResult r = WatchAll(*stub_, no_location);
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(r.status.error_message(), HasSubstr("location_id"));

  r = WatchAll(*stub_, Request(-1));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(r.status.error_message(), HasSubstr("after_offset"));

  auto bad_type = Request();
  bad_type.add_event_types(static_cast<v1::EventType>(99));
  r = WatchAll(*stub_, bad_type);
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(r.status.error_message(), HasSubstr("event_types"));
}

TEST_F(WebhookEventsTest, FlagsAreChecked) {
  auto missing_log = ghl::server::ParseGatewayConfig({"--webhook-listen", "0"}, {});
  ASSERT_FALSE(missing_log.ok());
  EXPECT_THAT(std::string(missing_log.status().message()), HasSubstr("--webhook-listen"));
  EXPECT_THAT(std::string(missing_log.status().message()), HasSubstr("--event-log"));
  auto bad_key = ghl::server::ParseGatewayConfig(
      {"--event-log", dir_ + "/x.db", "--webhook-ed25519-key", dir_ + "/nope.pem"}, {});
  ASSERT_FALSE(bad_key.ok());
  EXPECT_THAT(std::string(bad_key.status().message()), HasSubstr("--webhook-ed25519-key"));
  // A private key given as a public one: refused without echoing it.
  auto wrong = ghl::server::ParseGatewayConfig(
      {"--event-log", dir_ + "/x.db", "--webhook-ed25519-key", dir_ + "/keys/ed25519.pem",
       "--webhook-listen", "0"},
      {});
  if (wrong.ok()) {
    auto started = ghl::server::Gateway::Start(*wrong);
    ASSERT_FALSE(started.ok());
    EXPECT_THAT(std::string(started.status().message()), Not(HasSubstr("PRIVATE")));
  } else {
    EXPECT_THAT(std::string(wrong.status().message()), Not(HasSubstr("PRIVATE")));
  }
  // From the environment; several keys per scheme (a rotation).
  FakeGhl next(dir_ + "/next-keys");
  ASSERT_TRUE(next.error().empty());
  auto from_env = ghl::server::ParseGatewayConfig(
      {}, {{"GHL_WEBHOOK_LISTEN", "0"},
           {"GHL_EVENT_LOG", dir_ + "/env.db"},
           {"GHL_WEBHOOK_ED25519_KEYS",
            dir_ + "/keys/ed25519.pub.pem, " + dir_ + "/next-keys/ed25519.pub.pem"}});
  ASSERT_TRUE(from_env.ok()) << from_env.status();
  EXPECT_EQ(from_env->webhook.listen, "127.0.0.1:0");
  EXPECT_EQ(from_env->webhook.keys.ed25519.size(), 2u);
  EXPECT_TRUE(from_env->webhook.keys.rsa.empty());  // only the keys given are trusted
  auto production = ghl::server::ParseGatewayConfig({}, {});
  ASSERT_TRUE(production.ok());
  EXPECT_FALSE(production->webhook.keys.ed25519.empty());  // GHL's
  EXPECT_FALSE(ghl::server::ParseGatewayConfig({"--webhook-window-s", "0"}, {}).ok());
  EXPECT_FALSE(ghl::server::ParseGatewayConfig({"--webhook-max-body-kb", "x"}, {}).ok());
  auto bad_listen = ghl::server::ParseGatewayConfig({"--webhook-listen", "host:99999"}, {});
  ASSERT_FALSE(bad_listen.ok());
  EXPECT_THAT(std::string(bad_listen.status().message()), HasSubstr("--webhook-listen"));
  EXPECT_THAT(ghl::server::GatewayUsage(), HasSubstr("--webhook-key-dir (GHL_WEBHOOK_KEY_DIR)"));
}

TEST_F(WebhookEventsTest, WithoutAnEventLogWatchIsFailedPrecondition) {
  auto config = ghl::server::ParseGatewayConfig({"--listen", "127.0.0.1:0"}, {});
  ASSERT_TRUE(config.ok());
  auto bare = ghl::server::Gateway::Start(*config);
  ASSERT_TRUE(bare.ok()) << bare.status();
  auto stub = v1::EventsService::NewStub(
      grpc::CreateChannel((*bare)->address(), grpc::InsecureChannelCredentials()));
  WatchResult r = WatchAll(*stub, Request());
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(r.status.error_message(), "this gateway has no event log (--event-log)");
  EXPECT_EQ((*bare)->webhook_port(), 0);
  (*bare)->Shutdown(absl::Seconds(1));
}

TEST_F(WebhookEventsTest, FilteredWatcherGetsHeartbeatsWhileWaiting) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  auto tasks = Request(0, false);
  tasks.add_event_types(v1::EVENT_TYPE_TASK_CREATE);
  auto reader = stub_->WatchEvents(&ctx, tasks);
  ASSERT_EQ(Post(FakeGhl::ContactCreate(kLocation, "c1", "wh-1")), 200);
  // The contact is filtered out; a heartbeat (every second here) says the
  // stream read past it.
  v1::WatchEventsResponse m;
  bool advanced = false;
  while (!advanced && reader->Read(&m)) {
    EXPECT_FALSE(m.has_event());
    advanced = m.read_offset() >= 1;
  }
  EXPECT_TRUE(advanced);
  ASSERT_EQ(Post(FakeGhl::TaskCreate(kLocation, "t1", "wh-2")), 200);
  bool got_task = false;
  while (!got_task && reader->Read(&m)) got_task = m.has_event();
  ASSERT_TRUE(got_task);
  EXPECT_EQ(m.event().webhook_id(), "wh-2");
  EXPECT_EQ(m.read_offset(), 2);
  ctx.TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(WebhookEventsTest, FiftyWatchersGetALiveEventAndCancelledOnesAreFreed) {
  const double idle = OpenStreams();
  constexpr int kWatchers = 50;
  struct Watcher {
    grpc::ClientContext ctx;
    std::unique_ptr<grpc::ClientReader<v1::WatchEventsResponse>> reader;
    std::string webhook_id;
    std::thread thread;
  };
  std::vector<std::unique_ptr<Watcher>> watchers;
  std::atomic<int> received{0};
  for (int i = 0; i < kWatchers; ++i) {
    auto w = std::make_unique<Watcher>();
    w->ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(300));
    w->reader = stub_->WatchEvents(&w->ctx, Request(0, false));
    Watcher* raw = w.get();
    w->thread = std::thread([raw, &received] {
      v1::WatchEventsResponse m;
      while (raw->reader->Read(&m)) {
        if (m.has_event()) {
          raw->webhook_id = m.event().webhook_id();
          received.fetch_add(1);
          break;  // then idle until cancelled
        }
      }
    });
    watchers.push_back(std::move(w));
  }
  ASSERT_TRUE(Eventually([&] { return OpenStreams() >= idle + kWatchers; }))
      << OpenStreams() << " open streams";
  ASSERT_EQ(Post(FakeGhl::ContactCreate(kLocation, "live", "wh-live")), 200);
  // Generous: the machine is shared; what matters is that every one gets it.
  EXPECT_TRUE(Eventually([&] { return received.load() == kWatchers; }))
      << received.load() << " of " << kWatchers;
  for (auto& w : watchers) {
    w->thread.join();
    EXPECT_EQ(w->webhook_id, "wh-live");
  }
  // Cancel every stream mid-way (each is parked waiting for more).
  for (auto& w : watchers) w->ctx.TryCancel();
  for (auto& w : watchers) EXPECT_EQ(w->reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(Eventually([&] { return OpenStreams() == idle; })) << OpenStreams() << " vs " << idle;
}

TEST_F(WebhookEventsTest, ShutdownEndsWatchersWithTheOffsetToResumeAfter) {
  ASSERT_EQ(Post(FakeGhl::ContactCreate(kLocation, "c1", "wh-1")), 200);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  auto reader = stub_->WatchEvents(&ctx, Request(0, false));
  v1::WatchEventsResponse m;
  ASSERT_TRUE(reader->Read(&m));
  ASSERT_TRUE(m.has_event());
  std::thread stopper([this] { gateway_->Shutdown(absl::Seconds(30)); });
  while (reader->Read(&m)) {
  }
  const grpc::Status status = reader->Finish();
  stopper.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("after_offset = 1"));
}

// With caller keys (a state file), WatchEvents needs a key holding the
// location with contacts.readonly, like every data method.
TEST_F(WebhookEventsTest, WatchEventsNeedsAnApiKeyForTheLocation) {
  gateway_->Shutdown(absl::Seconds(1));
  gateway_.reset();
  // A test-only state key (no real data is protected by it).
  const std::string state_key(64, 'a');
  const std::string state = dir_ + "/state.db";
  auto config = ghl::server::ParseGatewayConfig(
      {"--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:9", "--state", state,
       "--event-log", dir_ + "/events.db"},
      {{"GHL_STATE_KEY", state_key}});
  ASSERT_TRUE(config.ok()) << config.status();
  auto gateway = ghl::server::Gateway::Start(*config);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  gateway_ = *std::move(gateway);
  auto db = auth::SqliteDb::Open(state);
  ASSERT_TRUE(db.ok()) << db.status();
  auth::SqliteApiKeyStore keys(*db);
  auto reader = keys.Create("reader", {kLocation}, {"contacts.readonly"});
  auto elsewhere = keys.Create("elsewhere", {kOtherLocation}, {"contacts.readonly"});
  ASSERT_TRUE(reader.ok() && elsewhere.ok());
  auto stub = v1::EventsService::NewStub(
      grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials()));
  const auto watch = [&](const std::string& key) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    if (!key.empty()) ctx.AddMetadata("authorization", "Bearer " + key);
    auto r = stub->WatchEvents(&ctx, Request());
    v1::WatchEventsResponse m;
    while (r->Read(&m)) {
    }
    return r->Finish();
  };
  EXPECT_EQ(watch("").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(watch(elsewhere->key).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const grpc::Status ok = watch(reader->key);
  EXPECT_TRUE(ok.ok()) << ok.error_message();
}

// The client library (ghlctl watch's loop): a following watch survives a
// gateway restart (UNAVAILABLE, then refused connections) by reconnecting
// after the last offset it delivered; nothing is delivered twice or lost.
TEST_F(WebhookEventsTest, EventsClientReconnectsAfterARestartWithoutDuplicates) {
  gateway_->Shutdown(absl::Seconds(1));
  gateway_.reset();
  listen_ = absl::StrCat("127.0.0.1:", FreePort());
  StartGateway();
  ASSERT_TRUE(gateway_);
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(Post(FakeGhl::ContactCreate(kLocation, absl::StrCat("c", i), absl::StrCat("wh-", i))), 200);
  }
  ghl::client::ExportRetryPolicy retry;
  retry.max_attempts = 40;
  retry.initial_backoff = absl::Milliseconds(50);
  retry.max_backoff = absl::Seconds(1);
  ghl::client::EventsClient client(
      v1::EventsService::NewStub(grpc::CreateChannel(listen_, grpc::InsecureChannelCredentials())),
      ghl::client::MakeDefaultClock(), retry);
  std::mutex mu;
  std::vector<std::string> seen;
  std::atomic<bool> stop{false};
  absl::Status result;
  std::thread watcher([&] {
    result = client.Watch(
        Request(0, false),
        [&](const v1::WatchEventsResponse& m) {
          if (m.has_event()) {
            std::lock_guard<std::mutex> lock(mu);
            seen.push_back(m.event().webhook_id());
          }
          return absl::OkStatus();
        },
        [&] { return stop.load(); });
  });
  const auto count = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return seen.size();
  };
  ASSERT_TRUE(Eventually([&] { return count() == 3; })) << count();
  gateway_->Shutdown(absl::Seconds(5));  // the stream ends UNAVAILABLE
  gateway_.reset();
  StartGateway();  // same port, same log
  ASSERT_TRUE(gateway_);
  ASSERT_EQ(Post(FakeGhl::ContactCreate(kLocation, "c4", "wh-4")), 200);
  ASSERT_EQ(Post(FakeGhl::ContactCreate(kLocation, "c5", "wh-5")), 200);
  EXPECT_TRUE(Eventually([&] { return count() == 5; })) << count();
  stop.store(true);
  watcher.join();
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_THAT(seen, ::testing::ElementsAre("wh-1", "wh-2", "wh-3", "wh-4", "wh-5"));
}

// `ghlctl watch`: --until-end output; --offset-file resumes with no
// duplicates; jsonl.
// Answers CANCELLED (as a gateway in its shutdown grace did to a new call)
// `cancels` times, then one event and the end of the log.
class CancellingEvents final : public v1::EventsService::Service {
 public:
  explicit CancellingEvents(int cancels) : cancels_(cancels) {}
  grpc::Status WatchEvents(grpc::ServerContext*, const v1::WatchEventsRequest* request,
                           grpc::ServerWriter<v1::WatchEventsResponse>* writer) override {
    if (calls_.fetch_add(1) < cancels_) return grpc::Status(grpc::StatusCode::CANCELLED, "");
    if (request->after_offset() < 1) {
      v1::WatchEventsResponse message;
      message.mutable_event()->set_offset(1);
      message.mutable_event()->set_webhook_id("wh-after-cancel");
      message.set_read_offset(1);
      writer->Write(message);
    }
    return grpc::Status::OK;
  }
  int calls() const { return calls_.load(); }

 private:
  const int cancels_;
  std::atomic<int> calls_{0};
};

// An in-process EventsService on a loopback port, and an EventsClient of it.
struct FakeEventsServer {
  explicit FakeEventsServer(grpc::Service* service) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service);
    server = builder.BuildAndStart();
  }
  ~FakeEventsServer() {
    if (server) server->Shutdown();
  }
  ghl::client::EventsClient Client(const ghl::client::ExportRetryPolicy& retry) const {
    return ghl::client::EventsClient(
        v1::EventsService::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                                       grpc::InsecureChannelCredentials())),
        ghl::client::MakeDefaultClock(), retry);
  }
  int port = 0;
  std::unique_ptr<grpc::Server> server;
};

TEST(EventsClientTest, AServerSideCancelIsRetriedLikeUnavailable) {
  CancellingEvents service(2);
  FakeEventsServer fake(&service);
  ASSERT_TRUE(fake.server);
  ghl::client::ExportRetryPolicy retry;
  retry.initial_backoff = absl::Milliseconds(1);
  ghl::client::EventsClient client = fake.Client(retry);
  v1::WatchEventsRequest request;
  request.set_location_id(kLocation);
  request.set_stop_at_end(true);
  std::vector<std::string> seen;
  const absl::Status result = client.Watch(request, [&](const v1::WatchEventsResponse& m) {
    if (m.has_event()) seen.push_back(m.event().webhook_id());
    return absl::OkStatus();
  });
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_THAT(seen, ::testing::ElementsAre("wh-after-cancel"));
  EXPECT_EQ(service.calls(), 3);
}

// Answers UNAVAILABLE `failures` times, then one event, then (a follower)
// holds the stream open until the client stops.
class UnavailableEvents final : public v1::EventsService::Service {
 public:
  explicit UnavailableEvents(int failures) : failures_(failures) {}
  grpc::Status WatchEvents(grpc::ServerContext* context, const v1::WatchEventsRequest*,
                           grpc::ServerWriter<v1::WatchEventsResponse>* writer) override {
    if (calls_.fetch_add(1) < failures_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
    v1::WatchEventsResponse message;
    message.mutable_event()->set_offset(1);
    message.mutable_event()->set_webhook_id("wh-after-outage");
    message.set_read_offset(1);
    writer->Write(message);
    while (!context->IsCancelled()) absl::SleepFor(absl::Milliseconds(5));
    return grpc::Status::CANCELLED;
  }
  int calls() const { return calls_.load(); }

 private:
  const int failures_;
  std::atomic<int> calls_{0};
};

// A follow watch (ghlctl watch without --until-end) outlasts more failures
// than max_attempts: a gateway down for a while is followed, not given up on
// (it gave up after 6 attempts, about 8 s, while the gateway was back).
TEST(EventsClientTest, AFollowWatchNeverGivesUpOnUnavailable) {
  UnavailableEvents service(10);
  FakeEventsServer fake(&service);
  ASSERT_TRUE(fake.server);
  ghl::client::ExportRetryPolicy retry;
  retry.max_attempts = 3;
  retry.initial_backoff = absl::Milliseconds(1);
  retry.max_backoff = absl::Milliseconds(2);
  ghl::client::EventsClient client = fake.Client(retry);
  v1::WatchEventsRequest request;
  request.set_location_id(kLocation);  // follow: no stop_at_end
  std::atomic<bool> stop{false};
  std::vector<std::string> seen;
  const absl::Status result = client.Watch(
      request,
      [&](const v1::WatchEventsResponse& m) {
        if (m.has_event()) seen.push_back(m.event().webhook_id());
        stop = true;  // one event is enough
        return absl::OkStatus();
      },
      [&] { return stop.load(); });
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_THAT(seen, ::testing::ElementsAre("wh-after-outage"));
  EXPECT_EQ(service.calls(), 11);
  // The same outage with stop_at_end is bounded by max_attempts.
  UnavailableEvents bounded(10);
  FakeEventsServer bounded_fake(&bounded);
  ASSERT_TRUE(bounded_fake.server);
  ghl::client::EventsClient bounded_client = bounded_fake.Client(retry);
  request.set_stop_at_end(true);
  const absl::Status gave_up =
      bounded_client.Watch(request, [](const v1::WatchEventsResponse&) { return absl::OkStatus(); });
  EXPECT_EQ(gave_up.code(), absl::StatusCode::kUnavailable) << gave_up;
  EXPECT_EQ(bounded.calls(), 3);
}

TEST_F(WebhookEventsTest, GhlctlWatchResumesFromItsOffsetFile) {
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(Post(FakeGhl::ContactCreate(kLocation, absl::StrCat("c", i), absl::StrCat("wh-", i))), 200);
  }
  ASSERT_EQ(Post(FakeGhl::TaskCreate(kLocation, "t1", "wh-task")), 200);
  const std::string offset_file = dir_ + "/watch.offset";
  auto run = [&](std::vector<std::string> extra, std::string* out_text) {
    std::istringstream in;
    std::ostringstream out, err;
    ghl::client::ghlctl::Console console{&in, &out, &err, false};
    ghl::client::ghlctl::RunOptions options;
    options.clock = ghl::client::MakeDefaultClock();
    options.env = [](const std::string&) { return std::nullopt; };
    std::vector<std::string> args{"--gateway", gateway_->address(), "watch", "--location", kLocation,
                                  "--until-end"};
    args.insert(args.end(), extra.begin(), extra.end());
    const int code = ghl::client::ghlctl::Run(args, console, options);
    *out_text = out.str();
    return code == 0 ? std::string() : err.str() + " (exit " + std::to_string(code) + ")";
  };
  std::string text;
  ASSERT_EQ(run({"--offset-file", offset_file}, &text), "");
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << text;
  EXPECT_EQ(lines[0], absl::StrCat("1 ContactCreate location=", kLocation, " contact=c1 webhook=wh-1"));
  EXPECT_THAT(lines[3], HasSubstr("4 TaskCreate"));
  EXPECT_THAT(lines[3], HasSubstr("task=t1 contact=c-of-t1"));
  EXPECT_EQ(ReadFile(offset_file), "4\n");

  // Nothing new: nothing printed, the offset stays.
  ASSERT_EQ(run({"--offset-file", offset_file}, &text), "");
  EXPECT_EQ(text, "");
  ASSERT_EQ(Post(FakeGhl::ContactCreate(kLocation, "c5", "wh-5")), 200);
  ASSERT_EQ(run({"--offset-file", offset_file}, &text), "");
  EXPECT_EQ(text, absl::StrCat("5 ContactCreate location=", kLocation, " contact=c5 webhook=wh-5\n"));
  EXPECT_EQ(ReadFile(offset_file), "5\n");

  // jsonl, filtered, from an offset.
  ASSERT_EQ(run({"--output", "jsonl", "--types", "TaskCreate,ContactCreate", "--after", "3"}, &text), "");
  lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << text;
  EXPECT_THAT(lines[0], HasSubstr(R"("offset":"4")"));
  EXPECT_THAT(lines[0], HasSubstr(R"("webhookId":"wh-task")"));

  // An offset file that is not a readable file is an error, not a restart
  // from 0 (a directory aborted ghlctl with an uncaught std::ios_failure).
  const std::string dir_offset = dir_ + "/offset-dir";
  ASSERT_EQ(system(("mkdir -p '" + dir_offset + "'").c_str()), 0);
  EXPECT_THAT(run({"--offset-file", dir_offset}, &text),
              AllOf(HasSubstr("is not a regular file"), HasSubstr("(exit 2)")));
  EXPECT_EQ(text, "");

  // Usage errors name the flag.
  EXPECT_THAT(run({"--types", "Nope"}, &text), HasSubstr("--types"));
  EXPECT_THAT(run({"--output", "xml"}, &text), HasSubstr("--output"));
}

}  // namespace
}  // namespace ghl::testing
