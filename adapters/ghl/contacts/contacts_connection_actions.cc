// ContactsConnection's search, upsert, duplicate, business, followers,
// campaign and workflow operations (the issue 3 section of
// contacts_connection.h), kept apart from the CRUD core.
//
// Writes other than upsert are not idempotent: they are sent again only when
// GHL surely did not act on them, i.e. the request never left the process or
// GHL's rate limiter refused it (429, answered before any processing). When
// a write fails after GHL may have acted on it (a transport failure after
// sending, a 5xx, or a 422 to a write over a list, which GHL applies item by
// item), the status message says so, so a caller checks before re-sending.
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/contacts/contacts_connection.h"
#include "adapters/ghl/contacts/search_pager.h"
#include "adapters/ghl/contacts/write_policy.h"
#include "adapters/ghl/core/status.h"

namespace ghl::contacts {
namespace {

namespace v1 = ::ghl::contacts::v1;

// Status of a Status-only stub call as a StatusOr, for the retry loop.
std::function<absl::StatusOr<bool>()> AsStatusOr(std::function<absl::Status()> call) {
  return [call = std::move(call)]() -> absl::StatusOr<bool> {
    auto s = call();
    if (!s.ok()) return s;
    return true;
  };
}

}  // namespace

template <typename T>
absl::StatusOr<T> ContactsConnection::Write(const char* operation, bool multi_target,
                                            const std::function<absl::StatusOr<T>()>& attempt,
                                            const CancelFn& cancelled, absl::Time deadline) {
  auto result = internal::RunRetry<T>(
      options_, Idempotency::kNonIdempotent,
      [&]() -> absl::StatusOr<T> {
        auto r = attempt();
        if (!r.ok()) return NotSentIfRateLimited(r.status());
        return r;
      },
      cancelled, deadline);
  if (result.ok()) return result;
  return SayMayHaveApplied(result.status(), operation, multi_target);
}

std::unique_ptr<SearchPager> ContactsConnection::SearchContacts(v1::SearchContactsRequest query,
                                                                int page_limit,
                                                                const SearchPosition& start) {
  return std::make_unique<SearchPager>(stub_, options_, std::move(query), page_limit, start);
}

std::unique_ptr<BusinessContactsPager> ContactsConnection::ListBusinessContacts(
    BusinessContactsPageRequest request, const BusinessPosition& start) {
  return std::make_unique<BusinessContactsPager>(stub_, options_, std::move(request), start);
}

absl::StatusOr<v1::UpsertContactResponse> ContactsConnection::UpsertContact(
    const v1::UpsertContactRequest& request, const CancelFn& cancelled) {
  CallOptions call{options_.call_timeout};
  std::function<absl::StatusOr<v1::UpsertContactResponse>()> attempt = [&] {
    return stub_->UpsertContact(call, request);
  };
  // With createNewIfDuplicateAllowed GHL may create a contact per attempt.
  if (request.create_new_if_duplicate_allowed()) return Write("the upsert", false, attempt);
  // Otherwise GHL matches the email or phone (the server requires one), so a
  // second send finds the contact the first one made.
  call.idempotent = true;
  return internal::RunRetry(options_, Idempotency::kIdempotent, attempt, cancelled);
}

absl::StatusOr<v1::FindDuplicateContactResponse> ContactsConnection::FindDuplicateContact(
    const v1::FindDuplicateContactRequest& request, const CancelFn& cancelled) {
  CallOptions call{options_.call_timeout};
  return internal::RunRetry<v1::FindDuplicateContactResponse>(
      options_, Idempotency::kIdempotent,
      [&] { return stub_->FindDuplicateContact(call, request); }, cancelled);
}

absl::StatusOr<v1::AddFollowersResponse> ContactsConnection::AddFollowers(
    const v1::AddFollowersRequest& request) {
  CallOptions call{options_.call_timeout};
  return Write<v1::AddFollowersResponse>("the follower change", true,
                                         [&] { return stub_->AddFollowers(call, request); });
}

absl::StatusOr<v1::RemoveFollowersResponse> ContactsConnection::RemoveFollowers(
    const v1::RemoveFollowersRequest& request) {
  CallOptions call{options_.call_timeout};
  return Write<v1::RemoveFollowersResponse>("the follower change", true,
                                            [&] { return stub_->RemoveFollowers(call, request); });
}

absl::Status ContactsConnection::AddToCampaign(const v1::AddToCampaignRequest& request) {
  CallOptions call{options_.call_timeout};
  return Write<bool>("the campaign change", false,
                     AsStatusOr([&] { return stub_->AddToCampaign(call, request); }))
      .status();
}

absl::Status ContactsConnection::RemoveFromCampaign(const v1::RemoveFromCampaignRequest& request) {
  CallOptions call{options_.call_timeout};
  return Write<bool>("the campaign change", false,
                     AsStatusOr([&] { return stub_->RemoveFromCampaign(call, request); }))
      .status();
}

absl::Status ContactsConnection::RemoveFromAllCampaigns(
    const v1::RemoveFromAllCampaignsRequest& request) {
  CallOptions call{options_.call_timeout};
  return Write<bool>("the campaign change", false,
                     AsStatusOr([&] { return stub_->RemoveFromAllCampaigns(call, request); }))
      .status();
}

absl::Status ContactsConnection::AddToWorkflow(const v1::AddToWorkflowRequest& request) {
  CallOptions call{options_.call_timeout};
  return Write<bool>("the workflow change", false,
                     AsStatusOr([&] { return stub_->AddToWorkflow(call, request); }))
      .status();
}

absl::Status ContactsConnection::RemoveFromWorkflow(const v1::RemoveFromWorkflowRequest& request) {
  CallOptions call{options_.call_timeout};
  return Write<bool>("the workflow change", false,
                     AsStatusOr([&] { return stub_->RemoveFromWorkflow(call, request); }))
      .status();
}

absl::StatusOr<v1::BulkUpdateBusinessResponse> ContactsConnection::BulkUpdateBusiness(
    const v1::BulkUpdateBusinessRequest& request) {
  CallOptions call{options_.call_timeout};
  return Write<v1::BulkUpdateBusinessResponse>(
      "the business update", true, [&] { return stub_->BulkUpdateBusiness(call, request); });
}

// Create, update and delete (contacts_connection.cc) share Write.
template absl::StatusOr<v1::Contact> ContactsConnection::Write<v1::Contact>(
    const char*, bool, const std::function<absl::StatusOr<v1::Contact>()>&, const CancelFn&, absl::Time);
template absl::StatusOr<bool> ContactsConnection::Write<bool>(
    const char*, bool, const std::function<absl::StatusOr<bool>()>&, const CancelFn&, absl::Time);

}  // namespace ghl::contacts
