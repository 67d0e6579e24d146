// WebhookReceiver with a FakeClock and real signatures: accepted (200),
// replay of one webhookId (409, one row), stale one second past the window
// in both directions (401) and fresh one second inside it, malformed (400),
// oversized (413), unsigned (401), and an unavailable log (429) both from a
// failing fake and from a real SQLite log on a full disk. Every outcome is
// counted, and no answer carries body data.
#include "adapters/ghl/webhooks/webhook_receiver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/json_mapping.h"
#include "adapters/ghl/webhooks/sqlite_event_log.h"
#include "adapters/ghl/webhooks/webhook_signer.h"
#include "google/protobuf/util/time_util.h"
#include "tests/support/status_matchers.h"

namespace ghl::webhooks {
namespace {

namespace v1 = ::ghl::contacts::v1;
using ::ghl::testing::IsOk;
using ::testing::HasSubstr;
using ::testing::Not;

// Personal data every test body carries; no answer may contain it.
constexpr char kEmail[] = "jane.secret@example.com";
constexpr char kName[] = "Jane Secretname";

// An in-memory log whose appends fail, as SQLite's do on a full disk, while
// `failing` is set.
class SwitchableEventLog : public EventLog {
 public:
  absl::StatusOr<AppendResult> Append(v1::Event event, absl::string_view raw) override {
    ++appends;
    if (failing) {
      return absl::UnavailableError("event log /x/events.db: database or disk is full (sqlite 13)");
    }
    return inner_->Append(std::move(event), raw);
  }
  absl::StatusOr<ReadResult> Read(absl::string_view location, const std::vector<v1::EventType>& types,
                                  int64_t after, int limit) override {
    return inner_->Read(location, types, after, limit);
  }
  absl::StatusOr<LocationSummary> Summarize(absl::string_view location) override {
    return inner_->Summarize(location);
  }
  int64_t LastOffset() override { return inner_->LastOffset(); }
  int Subscribe(std::function<void(int64_t)> listener) override {
    return inner_->Subscribe(std::move(listener));
  }
  void Unsubscribe(int id) override { inner_->Unsubscribe(id); }
  bool failing = true;
  int appends = 0;

 private:
  std::unique_ptr<EventLog> inner_ = NewInMemoryEventLog();
};

class ReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ed = GenerateEd25519KeyPair();
    auto rsa = GenerateRsaKeyPair(2048);
    ASSERT_THAT(ed.status(), IsOk());
    ASSERT_THAT(rsa.status(), IsOk());
    auto signer = WebhookSigner::Create(ed->private_pem, rsa->private_pem);
    ASSERT_THAT(signer.status(), IsOk());
    signer_ = *std::move(signer);
    auto verifier = WebhookVerifier::Create(WebhookKeys{{ed->public_pem}, {rsa->public_pem}});
    ASSERT_THAT(verifier.status(), IsOk());
    verifier_ = *std::move(verifier);
    log_ = NewInMemoryEventLog();
    receiver_ = Make(log_);
  }

  std::unique_ptr<WebhookReceiver> Make(std::shared_ptr<EventLog> log) {
    ReceiverOptions options;
    options.window = absl::Minutes(5);
    options.max_body_bytes = 4096;
    return std::make_unique<WebhookReceiver>(verifier_, std::move(log), options, &clock_,
                                             &registry_);
  }

  // A ContactCreate body with `webhook_id` and a timestamp `offset` from now.
  std::string Body(const std::string& webhook_id, absl::Duration offset = absl::ZeroDuration()) {
    google::protobuf::Timestamp ts;
    ts.set_seconds(absl::ToUnixSeconds(clock_.Now() + offset));
    return absl::StrCat(R"({"type":"ContactCreate","locationId":"loc-1","id":"c1","email":")",
                        kEmail, R"(","name":")", kName, R"(","webhookId":")", webhook_id,
                        R"(","timestamp":")", contacts::FormatGhlTime(ts), R"("})");
  }

  DeliveryResult Send(WebhookReceiver& receiver, const std::string& body) {
    DeliveryResult r = receiver.Handle(*signer_->SignEd25519(body), "", body);
    EXPECT_THAT(r.message, Not(HasSubstr(kEmail)));
    EXPECT_THAT(r.message, Not(HasSubstr("Secretname")));
    EXPECT_FALSE(r.message.empty());
    return r;
  }
  DeliveryResult Send(const std::string& body) { return Send(*receiver_, body); }

  uint64_t Count(DeliveryOutcome outcome) {
    return registry_.AddCounter("ghl_gateway_webhook_deliveries_total", "", {"outcome"})
        .WithLabels({DeliveryOutcomeName(outcome)})
        .Value();
  }

  FakeClock clock_;
  metrics::Registry registry_;
  std::unique_ptr<WebhookSigner> signer_;
  std::shared_ptr<const WebhookVerifier> verifier_;
  std::shared_ptr<EventLog> log_;
  std::unique_ptr<WebhookReceiver> receiver_;
};

TEST_F(ReceiverTest, EveryOutcomeIsExposedAtZeroFirst) {
  const std::string text = registry_.Exposition();
  for (const char* outcome : {"accepted", "duplicate", "bad_signature", "stale", "malformed",
                              "too_large", "log_unavailable"}) {
    EXPECT_THAT(text, HasSubstr(absl::StrCat("ghl_gateway_webhook_deliveries_total{outcome=\"",
                                             outcome, "\"} 0")));
  }
}

TEST_F(ReceiverTest, AcceptedIsLoggedWithReceiveTimeAndScheme) {
  const std::string body = Body("wh-1");
  const DeliveryResult r = Send(body);
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.outcome, DeliveryOutcome::kAccepted);
  EXPECT_EQ(r.offset, 1);
  auto read = log_->Read("loc-1", {}, 0, 10);
  ASSERT_THAT(read.status(), IsOk());
  ASSERT_EQ(read->events.size(), 1u);
  const v1::Event& e = read->events[0];
  EXPECT_EQ(e.webhook_id(), "wh-1");
  EXPECT_EQ(e.contact().email(), kEmail);
  EXPECT_EQ(e.signature_scheme(), v1::SIGNATURE_SCHEME_ED25519);
  EXPECT_EQ(e.receive_time().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(Count(DeliveryOutcome::kAccepted), 1u);
  // The legacy header alone is accepted too, and says so.
  const std::string legacy = Body("wh-2");
  const DeliveryResult r2 = receiver_->Handle("", *signer_->SignRsa(legacy), legacy);
  EXPECT_EQ(r2.http_status, 200);
  EXPECT_EQ(log_->Read("", {}, 1, 10)->events[0].signature_scheme(),
            v1::SIGNATURE_SCHEME_RSA_SHA256);
}

TEST_F(ReceiverTest, ReplayOfOneWebhookIdIs409AndOneRow) {
  const std::string body = Body("wh-replay");
  EXPECT_EQ(Send(body).http_status, 200);
  const DeliveryResult again = Send(body);
  EXPECT_EQ(again.http_status, 409);
  EXPECT_EQ(again.outcome, DeliveryOutcome::kDuplicate);
  EXPECT_EQ(again.offset, 1);
  // A re-sent delivery with a new timestamp but the same id is a replay too.
  clock_.Advance(absl::Seconds(30));
  EXPECT_EQ(Send(Body("wh-replay")).http_status, 409);
  EXPECT_EQ(log_->Read("", {}, 0, 10)->events.size(), 1u);
  EXPECT_EQ(Count(DeliveryOutcome::kDuplicate), 2u);
}

TEST_F(ReceiverTest, TimestampWindowIsEnforcedInBothDirections) {
  const absl::Duration window = absl::Minutes(5);
  const DeliveryResult old_one = Send(Body("old", -(window + absl::Seconds(1))));
  EXPECT_EQ(old_one.http_status, 401);
  EXPECT_EQ(old_one.outcome, DeliveryOutcome::kStale);
  const DeliveryResult future = Send(Body("future", window + absl::Seconds(1)));
  EXPECT_EQ(future.http_status, 401);
  EXPECT_EQ(future.outcome, DeliveryOutcome::kStale);
  EXPECT_EQ(Send(Body("fresh-old", -(window - absl::Seconds(1)))).http_status, 200);
  EXPECT_EQ(Send(Body("fresh-future", window - absl::Seconds(1))).http_status, 200);
  EXPECT_EQ(Count(DeliveryOutcome::kStale), 2u);
  EXPECT_EQ(log_->LastOffset(), 2);
  // Without a timestamp: kept and flagged.
  const std::string undated = R"({"type":"NoteCreate","locationId":"loc-1","webhookId":"u1"})";
  EXPECT_EQ(Send(undated).http_status, 200);
  auto last = log_->Read("", {}, 2, 10);
  ASSERT_EQ(last->events.size(), 1u);
  EXPECT_THAT(last->events[0].missing_fields(), ::testing::Contains("timestamp"));
}

TEST_F(ReceiverTest, SignatureFailuresAre401AndNeverLogged) {
  const std::string body = Body("wh-sig");
  EXPECT_EQ(receiver_->Handle("", "", body).http_status, 401);
  std::string tampered = body;
  tampered[tampered.find("loc-1")] = 'L';
  const DeliveryResult r = receiver_->Handle(*signer_->SignEd25519(body), "", tampered);
  EXPECT_EQ(r.http_status, 401);
  EXPECT_EQ(r.outcome, DeliveryOutcome::kBadSignature);
  EXPECT_THAT(r.message, Not(HasSubstr(kEmail)));
  EXPECT_EQ(receiver_->Handle("@@@", "", body).http_status, 401);
  EXPECT_EQ(log_->LastOffset(), 0);
  EXPECT_EQ(Count(DeliveryOutcome::kBadSignature), 3u);
}

TEST_F(ReceiverTest, MalformedIs400AndOversizedIs413BeforeAnyCheck) {
  const std::string not_json = absl::StrCat("{\"email\":\"", kEmail, "\"");
  const DeliveryResult bad = Send(not_json);
  EXPECT_EQ(bad.http_status, 400);
  EXPECT_EQ(bad.outcome, DeliveryOutcome::kMalformed);
  const DeliveryResult no_type = Send(absl::StrCat("{\"email\":\"", kEmail, "\"}"));
  EXPECT_EQ(no_type.http_status, 400);
  // Over the cap: 413 without even checking the (missing) signature.
  const std::string big = absl::StrCat(Body("big"), std::string(5000, ' '));
  const DeliveryResult large = receiver_->Handle("", "", big);
  EXPECT_EQ(large.http_status, 413);
  EXPECT_EQ(large.outcome, DeliveryOutcome::kTooLarge);
  EXPECT_THAT(large.message, Not(HasSubstr(kEmail)));
  EXPECT_EQ(log_->LastOffset(), 0);
  EXPECT_EQ(Count(DeliveryOutcome::kMalformed), 2u);
  EXPECT_EQ(Count(DeliveryOutcome::kTooLarge), 1u);
}

TEST_F(ReceiverTest, UnavailableLogIs429SoGhlRetries) {
  auto failing = std::make_shared<SwitchableEventLog>();
  auto receiver = Make(failing);
  const DeliveryResult r = Send(*receiver, Body("wh-fail"));
  EXPECT_EQ(r.http_status, 429);
  EXPECT_EQ(r.outcome, DeliveryOutcome::kLogUnavailable);
  EXPECT_THAT(r.message, HasSubstr("retry"));
  EXPECT_EQ(failing->appends, 1);
  EXPECT_EQ(Count(DeliveryOutcome::kLogUnavailable), 1u);
}

TEST_F(ReceiverTest, FullDiskOfARealSqliteLogIs429AndTheRetrySucceeds) {
  const std::string path = ::testing::TempDir() + "/receiver-full.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  ReceiverOptions options;
  options.max_body_bytes = 1 << 20;
  // A body that cannot fit in a log capped at its current size.
  const std::string body = absl::StrCat(
      R"({"type":"ContactCreate","locationId":"loc-1","webhookId":"wh-disk","timestamp":")",
      contacts::FormatGhlTime(
          google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(clock_.Now()))),
      R"(","email":")", kEmail, R"(","notes":")", std::string(200000, 'n'), R"("})");
  {
    SqliteEventLogOptions capped;
    capped.max_size_bytes = 1;
    auto log = SqliteEventLog::Open(path, capped);
    ASSERT_THAT(log.status(), IsOk());
    std::shared_ptr<EventLog> shared = *std::move(log);
    WebhookReceiver receiver(verifier_, shared, options, &clock_, &registry_);
    const DeliveryResult r = Send(receiver, body);
    EXPECT_EQ(r.http_status, 429);
    EXPECT_EQ(r.outcome, DeliveryOutcome::kLogUnavailable);
    EXPECT_THAT(r.message, Not(HasSubstr("nnnn")));
    EXPECT_EQ(shared->LastOffset(), 0);
  }
  // GHL retries the same delivery once there is room: it is accepted, once.
  auto log = OpenSqliteEventLog(path);
  ASSERT_THAT(log.status(), IsOk());
  std::shared_ptr<EventLog> shared = *std::move(log);
  WebhookReceiver receiver(verifier_, shared, options, &clock_, &registry_);
  EXPECT_EQ(Send(receiver, body).http_status, 200);
  EXPECT_EQ(Send(receiver, body).http_status, 409);
  EXPECT_EQ(shared->LastOffset(), 1);
}

// GHL retries a 429 on its own schedule, possibly after the window: that
// retry is logged (once), while a delivery never answered 429 that is as
// old is still refused as stale. The 429 names no file.
TEST_F(ReceiverTest, TheRetryOfA429IsAcceptedAfterTheWindowOnce) {
  auto log = std::make_shared<SwitchableEventLog>();
  auto receiver = Make(log);
  const std::string deferred = Body("wh-deferred");
  const std::string never_tried = Body("wh-never-tried");
  const DeliveryResult first = Send(*receiver, deferred);
  EXPECT_EQ(first.http_status, 429);
  EXPECT_THAT(first.message, Not(HasSubstr("/x/events.db")));
  clock_.Advance(absl::Minutes(20));
  log->failing = false;
  EXPECT_EQ(Send(*receiver, deferred).http_status, 200);
  EXPECT_EQ(Send(*receiver, deferred).http_status, 409);
  EXPECT_EQ(Send(*receiver, never_tried).http_status, 401);
  EXPECT_EQ(log->LastOffset(), 1);
}

}  // namespace
}  // namespace ghl::webhooks
