#include "server/request_validation.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace ghl::server {
namespace {

constexpr size_t kMaxIdLength = 64;
constexpr size_t kMaxTokenLength = 4096;
constexpr int kMaxPageSize = 100;

}  // namespace

absl::Status ValidateId(absl::string_view field, absl::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": must be set"));
  if (value.size() > kMaxIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": longer than ", kMaxIdLength, " characters"));
  }
  for (char c : value) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": may contain only letters, digits, '-' and '_'"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int> PageSize(int32_t page_size) {
  if (page_size == 0) return kMaxPageSize;
  if (page_size < 0 || page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must be between 1 and ", kMaxPageSize, " (0 means ", kMaxPageSize, ")"));
  }
  return page_size;
}

uint64_t Fingerprint(absl::string_view bytes) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string EncodeCursorToken(const google::protobuf::Message& cursor) {
  std::string raw = cursor.SerializeAsString();
  uint64_t check = Fingerprint(raw);
  for (int i = 0; i < 8; ++i, check >>= 8) raw.push_back(static_cast<char>(check & 0xff));
  std::string out;
  absl::WebSafeBase64Escape(raw, &out);
  return out;
}

bool DecodeCursorToken(absl::string_view token, size_t max_length,
                       google::protobuf::Message* cursor) {
  std::string raw;
  if (token.size() > max_length || !absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 8) {
    return false;
  }
  const absl::string_view body(raw.data(), raw.size() - 8);
  uint64_t check = 0;
  for (int i = 7; i >= 0; --i) {
    check = (check << 8) | static_cast<unsigned char>(raw[body.size() + static_cast<size_t>(i)]);
  }
  return check == Fingerprint(body) && cursor->ParseFromArray(body.data(), static_cast<int>(body.size()));
}

std::string EncodeResumeToken(const ghl::contacts::v1::ListContactsRequest& request,
                              const ghl::contacts::ListPosition& position) {
  ghl::contacts::v1::ListContactsCursor cursor;
  cursor.set_location_id(request.location_id());
  cursor.set_query(request.query());
  if (position.cursor) {
    cursor.set_start_after(position.cursor->start_after);
    cursor.set_start_after_id(position.cursor->start_after_id);
  }
  cursor.set_pages_delivered(position.pages_delivered);
  cursor.set_contacts_delivered(position.contacts_delivered);
  cursor.set_done(position.done);
  return EncodeCursorToken(cursor);
}

absl::StatusOr<ghl::contacts::ListPosition> DecodeResumeToken(
    const ghl::contacts::v1::ListContactsRequest& request) {
  ghl::contacts::ListPosition position;
  if (request.resume_token().empty()) return position;
  ghl::contacts::v1::ListContactsCursor cursor;
  if (!DecodeCursorToken(request.resume_token(), kMaxTokenLength, &cursor)) {
    return absl::InvalidArgumentError("resume_token: malformed (pass back a token this service issued)");
  }
  if (cursor.location_id() != request.location_id() || cursor.query() != request.query()) {
    return absl::InvalidArgumentError(
        "resume_token: was issued for another location_id or query");
  }
  // Tokens are not signed: bound what a forged one can claim.
  constexpr int32_t kMaxPages = 100000000;
  constexpr int64_t kMaxContacts = int64_t{1} << 40;
  if (cursor.pages_delivered() < 0 || cursor.contacts_delivered() < 0 ||
      cursor.pages_delivered() > kMaxPages || cursor.contacts_delivered() > kMaxContacts ||
      (!cursor.done() && cursor.pages_delivered() > 0 && cursor.start_after_id().empty())) {
    return absl::InvalidArgumentError("resume_token: inconsistent position");
  }
  if (!cursor.start_after_id().empty()) {
    if (auto s = ValidateId("resume_token", cursor.start_after_id()); !s.ok()) {
      return absl::InvalidArgumentError("resume_token: malformed cursor id");
    }
    position.cursor = ghl::contacts::ListCursor{cursor.start_after(), cursor.start_after_id()};
  }
  position.pages_delivered = cursor.pages_delivered();
  position.contacts_delivered = cursor.contacts_delivered();
  position.done = cursor.done();
  return position;
}

}  // namespace ghl::server
