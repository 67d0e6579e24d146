// WebhookSender: URL parsing, the exact backoff sequence, and delivery
// against a real receiver: signatures over the received bytes, 429 retried
// (Retry-After honoured), every other answer final, the shutdown rule, the
// queue bound, run-time configuration.
#include "tools/ghl-sandbox/webhook_sender.h"

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "tests/unit/sandbox/webhook_receiver_util.h"
#include "tools/ghl-sandbox/webhook_events.h"

namespace ghl::sandbox {
namespace {

using ::ghl::sandbox::testing::Delivery;
using ::ghl::sandbox::testing::ReadFile;
using ::ghl::sandbox::testing::Receiver;
using ::ghl::sandbox::testing::TempDir;
using ::ghl::sandbox::testing::VerifySignature;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr char kLocation[] = "ve9EPM428h8vShlRW1KT";
constexpr char kContact[] =
    R"({"id":"c1","locationId":"ve9EPM428h8vShlRW1KT","type":"lead","firstName":"Ann",)"
    R"("dnd":false,"tags":["a"],"score":12345678901234567890,"customFields":[{"id":"f","value":1.5}]})";

TEST(ParseWebhookUrlTest, SplitsOriginAndPath) {
  auto url = ParseWebhookUrl("http://127.0.0.1:9000/webhooks/ghl?x=1");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->origin, "http://127.0.0.1:9000");
  EXPECT_EQ(url->path, "/webhooks/ghl?x=1");
  url = ParseWebhookUrl("http://localhost");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->path, "/");
}

TEST(ParseWebhookUrlTest, RejectsWhatItCannotSendTo) {
  EXPECT_EQ(ParseWebhookUrl("HTTPS://x/h")->origin, "https://x");
  EXPECT_THAT(std::string(ParseWebhookUrl("ftp://x/").status().message()), HasSubstr("http://"));
  EXPECT_THAT(std::string(ParseWebhookUrl("http:///p").status().message()), HasSubstr("host"));
  EXPECT_THAT(std::string(ParseWebhookUrl("http://h:0/").status().message()), HasSubstr("port"));
  EXPECT_THAT(std::string(ParseWebhookUrl("http://h:x/").status().message()), HasSubstr("port"));
}

TEST(WebhookRetryDelayTest, DoublesUpToTheCapAndRetryAfterWins) {
  WebhookOptions o;
  o.initial_backoff = absl::Seconds(1);
  o.max_backoff = absl::Seconds(10);
  std::vector<absl::Duration> delays;
  for (int attempt = 1; attempt <= 6; ++attempt)
    delays.push_back(WebhookRetryDelay(o, attempt, ""));
  EXPECT_THAT(delays, ElementsAre(absl::Seconds(1), absl::Seconds(2), absl::Seconds(4),
                                  absl::Seconds(8), absl::Seconds(10), absl::Seconds(10)));
  EXPECT_EQ(WebhookRetryDelay(o, 1, "3"), absl::Seconds(3));
  EXPECT_EQ(WebhookRetryDelay(o, 4, " 0 "), absl::ZeroDuration());
  EXPECT_EQ(WebhookRetryDelay(o, 1, "120"), absl::Seconds(10));  // capped
  // Not delta-seconds (an HTTP-date, garbage, negative): the backoff.
  EXPECT_EQ(WebhookRetryDelay(o, 2, "Wed, 21 Oct 2026 07:28:00 GMT"), absl::Seconds(2));
  EXPECT_EQ(WebhookRetryDelay(o, 2, "-1"), absl::Seconds(2));
}

TEST(WebhookSignatureTest, ParsesTheThreeNames) {
  EXPECT_EQ(*ParseWebhookSignature("ed25519"), WebhookSignature::kEd25519);
  EXPECT_EQ(*ParseWebhookSignature("rsa"), WebhookSignature::kRsa);
  EXPECT_EQ(*ParseWebhookSignature("both"), WebhookSignature::kBoth);
  EXPECT_THAT(std::string(ParseWebhookSignature("hmac").status().message()), HasSubstr("hmac"));
}

// ------------------------------------------------------------------ delivery

WebhookOptions Options(const std::string& url, const std::string& key_dir) {
  WebhookOptions o;
  o.url = url;
  o.key_dir = key_dir;
  o.initial_backoff = absl::Milliseconds(1);
  o.max_backoff = absl::Milliseconds(5);
  o.attempt_timeout = absl::Seconds(60);
  return o;
}

std::unique_ptr<WebhookSender> MakeSender(const WebhookOptions& o) {
  auto sender = WebhookSender::Create(o);
  EXPECT_TRUE(sender.ok()) << sender.status();
  return sender.ok() ? *std::move(sender) : nullptr;
}

// Polls Stats until `done` holds (30 s deadline, a failure).
WebhookStats WaitForStats(const WebhookSender& sender,
                          const std::function<bool(const WebhookStats&)>& done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  WebhookStats s = sender.Stats();
  while (!done(s) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(2));
    s = sender.Stats();
  }
  EXPECT_TRUE(done(s)) << "webhook stats did not reach the expected state";
  return s;
}

// A key dir given without a URL holds its keys from the start (a gateway is
// started on them before the URL is set), and a later URL signs with them.
TEST(WebhookSenderTest, AKeyDirWithoutAUrlIsCreatedAtStart) {
  const std::string dir = TempDir();
  auto sender = MakeSender(Options("", dir));
  ASSERT_NE(sender, nullptr);
  for (const char* file : {"ed25519.pem", "ed25519.pub.pem", "rsa.pem", "rsa.pub.pem"}) {
    EXPECT_TRUE(std::ifstream(dir + "/" + file).good()) << file;
  }
  std::ifstream in(dir + "/ed25519.pub.pem");
  const std::string before((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Receiver receiver;
  ASSERT_TRUE(sender->Configure(receiver.url(), std::nullopt).ok());
  std::ifstream again(dir + "/ed25519.pub.pem");
  const std::string after((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
  EXPECT_EQ(before, after);  // the same keys, not new ones
}

TEST(WebhookSenderTest, SignsTheExactBytesItSendsWithBothSchemes) {
  Receiver receiver;
  const std::string dir = TempDir();
  auto sender = MakeSender(Options(receiver.url(), dir));
  ASSERT_NE(sender, nullptr);
  sender->Emit(kContactCreate, kLocation, kContact, "2026-01-02T03:04:05.678Z");
  const Delivery d = receiver.WaitFor(1).at(0);
  EXPECT_EQ(d.content_type, "application/json");
  const std::string ed_pub = ReadFile(dir + "/ed25519.pub.pem");
  const std::string rsa_pub = ReadFile(dir + "/rsa.pub.pem");
  EXPECT_TRUE(VerifySignature(ed_pub, d.ed25519_signature, d.body, true));
  EXPECT_TRUE(VerifySignature(rsa_pub, d.rsa_signature, d.body, false));
  for (size_t i : {size_t{0}, d.body.size() / 2, d.body.size() - 1}) {
    std::string flipped = d.body;
    flipped[i] ^= 0x01;
    EXPECT_FALSE(VerifySignature(ed_pub, d.ed25519_signature, flipped, true)) << i;
    EXPECT_FALSE(VerifySignature(rsa_pub, d.rsa_signature, flipped, false)) << i;
  }
  rapidjson::Document body;
  body.Parse(d.body.data(), d.body.size());
  ASSERT_TRUE(body.IsObject());
  EXPECT_STREQ(body["type"].GetString(), "ContactCreate");
  EXPECT_STREQ(body["timestamp"].GetString(), "2026-01-02T03:04:05.678Z");
  EXPECT_EQ(body["webhookId"].GetStringLength(), 36u);
}

TEST(WebhookSenderTest, OneSchemeOnlyWhenAsked) {
  Receiver receiver;
  const std::string dir = TempDir();
  WebhookOptions o = Options(receiver.url(), dir);
  o.signature = WebhookSignature::kEd25519;
  auto sender = MakeSender(o);
  ASSERT_NE(sender, nullptr);
  sender->Emit(kNoteCreate, kLocation, R"({"id":"n"})", "t");
  Delivery d = receiver.WaitFor(1).at(0);
  EXPECT_TRUE(
      VerifySignature(ReadFile(dir + "/ed25519.pub.pem"), d.ed25519_signature, d.body, true));
  EXPECT_EQ(d.rsa_signature, "");
  sender.reset();

  o.signature = WebhookSignature::kRsa;
  sender = MakeSender(o);
  ASSERT_NE(sender, nullptr);
  sender->Emit(kNoteCreate, kLocation, R"({"id":"n"})", "t");
  d = receiver.WaitFor(2).at(1);
  EXPECT_EQ(d.ed25519_signature, "");
  // The same key dir: the keys were created once and reused.
  EXPECT_TRUE(VerifySignature(ReadFile(dir + "/rsa.pub.pem"), d.rsa_signature, d.body, false));
}

TEST(WebhookSenderTest, Twice429Then200IsDeliveredOnceAfterThreeAttempts) {
  Receiver receiver([](int n) { return Receiver::Answer{n <= 2 ? 429 : 200, ""}; });
  auto sender = MakeSender(Options(receiver.url(), TempDir()));
  ASSERT_NE(sender, nullptr);
  sender->Emit(kTaskCreate, kLocation, R"({"id":"t"})", "t");
  const WebhookStats s =
      WaitForStats(*sender, [](const WebhookStats& s) { return s.delivered_2xx == 1; });
  EXPECT_EQ(s.sent, 3u);
  EXPECT_EQ(s.retried_429, 2u);
  EXPECT_THAT(s.failed_final, IsEmpty());
  EXPECT_EQ(s.last_status, 200);
  const std::vector<Delivery> attempts = receiver.deliveries();
  ASSERT_EQ(attempts.size(), 3u);
  // A retry sends the same bytes (same webhookId, same signatures).
  EXPECT_EQ(attempts[0].body, attempts[2].body);
  EXPECT_EQ(attempts[0].ed25519_signature, attempts[2].ed25519_signature);
}

TEST(WebhookSenderTest, RetryAfterIsHonoured) {
  // The backoff is an hour: only Retry-After: 0 lets the retry come now.
  Receiver receiver([](int n) { return Receiver::Answer{n == 1 ? 429 : 200, n == 1 ? "0" : ""}; });
  WebhookOptions o = Options(receiver.url(), TempDir());
  o.initial_backoff = absl::Hours(1);
  o.max_backoff = absl::Hours(1);
  auto sender = MakeSender(o);
  ASSERT_NE(sender, nullptr);
  sender->Emit(kTaskCreate, kLocation, R"({"id":"t"})", "t");
  const WebhookStats s =
      WaitForStats(*sender, [](const WebhookStats& s) { return s.delivered_2xx == 1; });
  EXPECT_EQ(s.sent, 2u);
}

TEST(WebhookSenderTest, AnyOtherAnswerIsFinalAfterOneAttempt) {
  for (int status : {500, 503, 400, 404, 301}) {
    SCOPED_TRACE(status);
    // The first event gets `status`, the second 200: once the second has
    // arrived, the first can no longer be retried.
    Receiver receiver([status](int n) { return Receiver::Answer{n == 1 ? status : 200, ""}; });
    WebhookOptions o = Options(receiver.url(), TempDir());
    o.delivery_threads = 1;
    auto sender = MakeSender(o);
    ASSERT_NE(sender, nullptr);
    sender->Emit(kTaskDelete, kLocation, R"({"id":"t1"})", "t");
    sender->Emit(kTaskDelete, kLocation, R"({"id":"t2"})", "t");
    const WebhookStats s =
        WaitForStats(*sender, [](const WebhookStats& s) { return s.delivered_2xx == 1; });
    EXPECT_EQ(receiver.deliveries().size(), 2u);
    EXPECT_EQ(s.sent, 2u);
    EXPECT_EQ(s.retried_429, 0u);
    EXPECT_THAT(s.failed_final, ElementsAre(Pair(absl::StrCat("http_", status), 1u)));
  }
}

TEST(WebhookSenderTest, EachLocationsEventsArriveInTheOrderEmitted) {
  Receiver receiver;
  WebhookOptions o = Options(receiver.url(), TempDir());
  o.delivery_threads = 3;
  auto sender = MakeSender(o);
  ASSERT_NE(sender, nullptr);
  constexpr int kPerLocation = 25;
  const std::vector<std::string> locations = {"LocationA", "LocationB", "LocationC", "LocationD"};
  for (int i = 0; i < kPerLocation; ++i) {
    for (const auto& location : locations) {
      sender->Emit(kContactUpdate, location, absl::StrCat(R"({"id":")", i, R"("})"), "t");
    }
  }
  const std::vector<Delivery> got = receiver.WaitFor(kPerLocation * locations.size());
  std::map<std::string, std::vector<int>> order;
  for (const Delivery& d : got) {
    rapidjson::Document body;
    body.Parse(d.body.data(), d.body.size());
    ASSERT_TRUE(body.IsObject());
    order[body["locationId"].GetString()].push_back(std::stoi(body["id"].GetString()));
  }
  std::vector<int> want(kPerLocation);
  for (int i = 0; i < kPerLocation; ++i) want[i] = i;
  for (const auto& location : locations) EXPECT_EQ(order[location], want) << location;
}

TEST(WebhookSenderTest, ConnectionErrorsAreFinal) {
  std::string url;
  {
    Receiver gone;
    url = gone.url();
  }  // nothing listens there any more
  auto sender = MakeSender(Options(url, TempDir()));
  ASSERT_NE(sender, nullptr);
  sender->Emit(kNoteDelete, kLocation, R"({"id":"n"})", "t");
  const WebhookStats s = WaitForStats(
      *sender, [](const WebhookStats& s) { return s.failed_final.count("connection") == 1; });
  EXPECT_EQ(s.sent, 1u);
  EXPECT_EQ(s.last_status, -1);
}

TEST(WebhookSenderTest, Only429UpToMaxAttempts) {
  Receiver receiver([](int) { return Receiver::Answer{429, ""}; });
  WebhookOptions o = Options(receiver.url(), TempDir());
  o.max_attempts = 3;
  auto sender = MakeSender(o);
  ASSERT_NE(sender, nullptr);
  sender->Emit(kNoteUpdate, kLocation, R"({"id":"n"})", "t");
  const WebhookStats s = WaitForStats(*sender, [](const WebhookStats& s) {
    return s.failed_final.count("attempts_exhausted") == 1;
  });
  EXPECT_EQ(s.sent, 3u);
  EXPECT_EQ(s.retried_429, 2u);
  EXPECT_EQ(receiver.deliveries().size(), 3u);
}

TEST(WebhookSenderTest, StopGivesAWaitingRetryOneLastAttempt) {
  Receiver receiver([](int) { return Receiver::Answer{429, ""}; });
  WebhookOptions o = Options(receiver.url(), TempDir());
  o.initial_backoff = absl::Hours(1);
  o.max_backoff = absl::Hours(1);
  auto sender = MakeSender(o);
  ASSERT_NE(sender, nullptr);
  sender->Emit(kNoteUpdate, kLocation, R"({"id":"n"})", "t");
  WaitForStats(*sender, [](const WebhookStats& s) { return s.retried_429 == 1; });
  sender->Stop();  // cuts the hour short
  const WebhookStats s = sender->Stats();
  EXPECT_EQ(s.sent, 2u);
  EXPECT_THAT(s.failed_final, ElementsAre(Pair("shutdown", 1u)));
  EXPECT_EQ(s.pending, 0u);
  sender->Emit(kNoteUpdate, kLocation, R"({"id":"n"})", "t");
  EXPECT_EQ(sender->Stats().not_queued, 1u);
}

TEST(WebhookSenderTest, StopDeliversWhatIsStillQueued) {
  Receiver receiver;
  receiver.Hold();
  WebhookOptions o = Options(receiver.url(), TempDir());
  o.delivery_threads = 1;
  o.shutdown_grace = absl::Hours(1);
  auto sender = MakeSender(o);
  ASSERT_NE(sender, nullptr);
  for (int i = 0; i < 5; ++i) sender->Emit(kNoteCreate, kLocation, R"({"id":"n"})", "t");
  receiver.WaitFor(1);  // the first is in flight, four wait in the queue
  std::thread stopper([&] { sender->Stop(); });
  receiver.Release();
  stopper.join();
  const WebhookStats s = sender->Stats();
  EXPECT_EQ(s.delivered_2xx, 5u);
  EXPECT_EQ(s.pending, 0u);
}

TEST(WebhookSenderTest, AfterTheShutdownGraceWhatIsQueuedIsDropped) {
  Receiver receiver;
  receiver.Hold();
  WebhookOptions o = Options(receiver.url(), TempDir());
  o.delivery_threads = 1;
  o.shutdown_grace = absl::ZeroDuration();
  auto sender = MakeSender(o);
  ASSERT_NE(sender, nullptr);
  for (int i = 0; i < 3; ++i) sender->Emit(kNoteCreate, kLocation, R"({"id":"n"})", "t");
  receiver.WaitFor(1);  // in flight: it completes; the two behind it are dropped
  std::thread stopper([&] { sender->Stop(); });
  // Release only once Stop has begun (it marks pending events as such).
  while (sender->Active()) absl::SleepFor(absl::Milliseconds(1));
  receiver.Release();
  stopper.join();
  const WebhookStats s = sender->Stats();
  EXPECT_EQ(s.delivered_2xx, 1u);
  EXPECT_THAT(s.failed_final, ElementsAre(Pair("shutdown", 2u)));
  EXPECT_EQ(receiver.deliveries().size(), 1u);
}

TEST(WebhookSenderTest, NothingIsQueuedWithoutAUrlAndConfigureTurnsItOn) {
  Receiver receiver;
  auto sender = MakeSender(Options("", TempDir()));
  ASSERT_NE(sender, nullptr);
  EXPECT_FALSE(sender->Active());
  sender->Emit(kContactCreate, kLocation, kContact, "t");
  EXPECT_EQ(sender->Stats().not_queued, 1u);
  EXPECT_EQ(sender->Stats().queued, 0u);

  EXPECT_THAT(std::string(ConfigureWebhooksJson(R"({"url":"mailto:x"})", *sender).message()),
              HasSubstr("http://"));
  EXPECT_THAT(std::string(ConfigureWebhooksJson(R"({"enable":true})", *sender).message()),
              HasSubstr("\"enable\""));
  EXPECT_THAT(std::string(ConfigureWebhooksJson(R"({"enabled":"yes"})", *sender).message()),
              HasSubstr("enabled must be a boolean"));
  EXPECT_THAT(std::string(ConfigureWebhooksJson("[]", *sender).message()),
              HasSubstr("JSON object"));
  ASSERT_TRUE(
      ConfigureWebhooksJson(absl::StrCat(R"({"url":")", receiver.url(), R"("})"), *sender).ok());
  EXPECT_TRUE(sender->Active());
  sender->Emit(kContactCreate, kLocation, kContact, "t");
  receiver.WaitFor(1);
  ASSERT_TRUE(ConfigureWebhooksJson(R"({"enabled":false})", *sender).ok());
  sender->Emit(kContactCreate, kLocation, kContact, "t");
  const WebhookStats s = sender->Stats();
  EXPECT_EQ(s.not_queued, 2u);
  EXPECT_EQ(s.queued, 1u);
  EXPECT_FALSE(s.enabled);
  const std::string json = WebhookStatsJson(s, sender->key_dir(), WebhookSignature::kBoth);
  EXPECT_THAT(json, HasSubstr(R"("queued":1,"notQueued":2)"));
  EXPECT_THAT(json, HasSubstr(R"("signature":"both")"));
}

TEST(WebhookSenderTest, AFullQueueDropsAndCountsWithoutBlocking) {
  Receiver receiver;
  receiver.Hold();
  WebhookOptions o = Options(receiver.url(), TempDir());
  o.queue_capacity = 2;
  o.delivery_threads = 1;
  auto sender = MakeSender(o);
  ASSERT_NE(sender, nullptr);
  for (int i = 0; i < 5; ++i) sender->Emit(kNoteCreate, kLocation, R"({"id":"n"})", "t");
  const WebhookStats s = sender->Stats();
  EXPECT_EQ(s.queued, 2u);
  EXPECT_THAT(s.failed_final, ElementsAre(Pair("queue_full", 3u)));
  receiver.Release();
}

}  // namespace
}  // namespace ghl::sandbox
