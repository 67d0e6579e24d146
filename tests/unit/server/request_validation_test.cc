#include "server/request_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"

#include "tests/support/status_matchers.h"

namespace ghl::server {
namespace {

using ::ghl::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ValidateId, NamesTheField) {
  EXPECT_TRUE(ValidateId("contact_id", "seD4PfOuKoVMLkEZqohJ").ok());
  EXPECT_THAT(ValidateId("contact_id", ""), StatusIs(absl::StatusCode::kInvalidArgument, "contact_id: must be set"));
  for (const char* bad : {"../x", "a/b", "a?b=c", "a b", "é", "a%2F"}) {
    EXPECT_THAT(ValidateId("location_id", bad),
                StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("location_id:")))
        << bad;
  }
  EXPECT_THAT(ValidateId("location_id", std::string(65, 'a')),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("longer than 64")));
}

TEST(PageSize, Bounds) {
  EXPECT_EQ(*PageSize(0), 100);
  EXPECT_EQ(*PageSize(1), 1);
  EXPECT_EQ(*PageSize(100), 100);
  EXPECT_THAT(PageSize(101), StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("page_size:")));
  EXPECT_THAT(PageSize(-1), StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("page_size:")));
}

TEST(ResumeToken, RoundTrips) {
  ghl::contacts::v1::ListContactsRequest request;
  request.set_location_id("LOC");
  request.set_query("zoë");
  ghl::contacts::ListPosition position;
  position.cursor = ghl::contacts::ListCursor{1631087949919, "yd0jdjOavGk2o6Nh5Ndb"};
  position.pages_delivered = 7;
  position.contacts_delivered = 700;
  request.set_resume_token(EncodeResumeToken(request, position));
  auto decoded = DecodeResumeToken(request);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->cursor->start_after, 1631087949919);
  EXPECT_EQ(decoded->cursor->start_after_id, "yd0jdjOavGk2o6Nh5Ndb");
  EXPECT_EQ(decoded->pages_delivered, 7);
  EXPECT_EQ(decoded->contacts_delivered, 700);
  EXPECT_FALSE(decoded->done);
}

TEST(ResumeToken, RejectsMalformedAndForeignTokens) {
  ghl::contacts::v1::ListContactsRequest request;
  request.set_location_id("LOC");
  ghl::contacts::ListPosition position;
  position.cursor = ghl::contacts::ListCursor{1, "a"};
  position.pages_delivered = 1;
  const std::string token = EncodeResumeToken(request, position);

  for (const std::string& bad : {std::string("!!!"), std::string("AAAA"), token.substr(0, token.size() / 2),
                                 std::string(5000, 'A')}) {
    request.set_resume_token(bad);
    EXPECT_THAT(DecodeResumeToken(request), StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("resume_token:")))
        << bad;
  }
  ghl::contacts::ListPosition absurd = position;
  absurd.pages_delivered = 2147483647;
  request.set_resume_token(EncodeResumeToken(request, absurd));
  EXPECT_THAT(DecodeResumeToken(request), StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("resume_token:")));
  ghl::contacts::v1::ListContactsRequest other = request;
  other.set_location_id("OTHER");
  other.set_resume_token(token);
  EXPECT_THAT(DecodeResumeToken(other), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("another location_id")));
  other.set_location_id("LOC");
  other.set_query("x");
  EXPECT_THAT(DecodeResumeToken(other), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("query")));
}

TEST(ResumeToken, EveryChangedByteIsRefused) {
  ghl::contacts::v1::ListContactsRequest request;
  request.set_location_id("LOC");
  ghl::contacts::ListPosition position;
  position.cursor = ghl::contacts::ListCursor{1631087949919, "yd0jdjOavGk2o6Nh5Ndb"};
  position.pages_delivered = 47;
  position.contacts_delivered = 4700;
  const std::string token = EncodeResumeToken(request, position);
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  int refused = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = raw;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      std::string edited;
      absl::WebSafeBase64Escape(flipped, &edited);
      request.set_resume_token(edited);
      auto decoded = DecodeResumeToken(request);
      EXPECT_THAT(decoded, StatusIs(absl::StatusCode::kInvalidArgument, StartsWith("resume_token:")))
          << "byte " << i << " bit " << bit;
      refused += decoded.ok() ? 0 : 1;
    }
  }
  EXPECT_EQ(refused, static_cast<int>(raw.size()) * 8);
}

}  // namespace
}  // namespace ghl::server
