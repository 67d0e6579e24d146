#include "client/contacts_client.h"

#include "client/channel.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <grpc/support/time.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "client/page_stream.h"

namespace ghl::client {
namespace {

namespace v1 = ::ghl::contacts::v1;
using internal::CallUnary;

// Drops the Empty of a unary call that returns nothing.
absl::Status NoContent(const absl::StatusOr<google::protobuf::Empty>& result) { return result.status(); }

}  // namespace

namespace internal {

void SetTimeout(grpc::ClientContext* context, absl::Duration timeout) {
  if (timeout > absl::ZeroDuration() && timeout != absl::InfiniteDuration()) {
    // A GPR_TIMESPAN deadline is relative: gRPC adds it to its own clock when
    // the call starts, so no clock is read here (the injected Clock only
    // drives our sleeps and measurements; gRPC deadlines are gRPC's).
    context->set_deadline(gpr_time_from_millis(absl::ToInt64Milliseconds(timeout), GPR_TIMESPAN));
  }
}

}  // namespace internal

absl::Duration ExportRetryPolicy::BackoffFor(int failures) const {
  if (failures < 1) failures = 1;
  double factor = std::pow(std::max(multiplier, 1.0), failures - 1);
  // Guard against overflow of the double -> Duration product for silly inputs.
  if (!std::isfinite(factor) || factor > 1e9) return max_backoff;
  return std::min(initial_backoff * factor, max_backoff);
}

ContactsClient::ContactsClient(std::shared_ptr<v1::ContactsService::StubInterface> stub,
                               ContactsClientOptions options, std::shared_ptr<Clock> clock)
    : stub_(std::move(stub)), options_(std::move(options)), clock_(std::move(clock)) {}

// Each unary method: one call with the client's deadline (CallUnary).
#define GHL_CONTACTS_CALL(Method, Response)                                                           \
  CallUnary<Response>(                                                                                \
      [this](grpc::ClientContext* c, const auto& r, Response* out) { return stub_->Method(c, r, out); }, \
      request, options_.timeout)

absl::StatusOr<v1::Contact> ContactsClient::GetContact(const v1::GetContactRequest& request) const {
  return GHL_CONTACTS_CALL(GetContact, v1::Contact);
}

absl::StatusOr<v1::Contact> ContactsClient::CreateContact(const v1::CreateContactRequest& request) const {
  return GHL_CONTACTS_CALL(CreateContact, v1::Contact);
}

absl::StatusOr<v1::Contact> ContactsClient::UpdateContact(const v1::UpdateContactRequest& request) const {
  return GHL_CONTACTS_CALL(UpdateContact, v1::Contact);
}

absl::Status ContactsClient::DeleteContact(const v1::DeleteContactRequest& request) const {
  return NoContent(GHL_CONTACTS_CALL(DeleteContact, google::protobuf::Empty));
}

absl::StatusOr<v1::UpsertContactResponse> ContactsClient::UpsertContact(
    const v1::UpsertContactRequest& request) const {
  return GHL_CONTACTS_CALL(UpsertContact, v1::UpsertContactResponse);
}

absl::StatusOr<v1::FindDuplicateContactResponse> ContactsClient::FindDuplicateContact(
    const v1::FindDuplicateContactRequest& request) const {
  return GHL_CONTACTS_CALL(FindDuplicateContact, v1::FindDuplicateContactResponse);
}

absl::StatusOr<v1::AddFollowersResponse> ContactsClient::AddFollowers(const v1::AddFollowersRequest& request) const {
  return GHL_CONTACTS_CALL(AddFollowers, v1::AddFollowersResponse);
}

absl::StatusOr<v1::RemoveFollowersResponse> ContactsClient::RemoveFollowers(
    const v1::RemoveFollowersRequest& request) const {
  return GHL_CONTACTS_CALL(RemoveFollowers, v1::RemoveFollowersResponse);
}

absl::Status ContactsClient::AddToCampaign(const v1::AddToCampaignRequest& request) const {
  return NoContent(GHL_CONTACTS_CALL(AddToCampaign, google::protobuf::Empty));
}

absl::Status ContactsClient::RemoveFromCampaign(const v1::RemoveFromCampaignRequest& request) const {
  return NoContent(GHL_CONTACTS_CALL(RemoveFromCampaign, google::protobuf::Empty));
}

absl::Status ContactsClient::RemoveFromAllCampaigns(const v1::RemoveFromAllCampaignsRequest& request) const {
  return NoContent(GHL_CONTACTS_CALL(RemoveFromAllCampaigns, google::protobuf::Empty));
}

absl::Status ContactsClient::AddToWorkflow(const v1::AddToWorkflowRequest& request) const {
  return NoContent(GHL_CONTACTS_CALL(AddToWorkflow, google::protobuf::Empty));
}

absl::Status ContactsClient::RemoveFromWorkflow(const v1::RemoveFromWorkflowRequest& request) const {
  return NoContent(GHL_CONTACTS_CALL(RemoveFromWorkflow, google::protobuf::Empty));
}

absl::StatusOr<v1::BulkUpdateBusinessResponse> ContactsClient::BulkUpdateBusiness(
    const v1::BulkUpdateBusinessRequest& request) const {
  return GHL_CONTACTS_CALL(BulkUpdateBusiness, v1::BulkUpdateBusinessResponse);
}

#undef GHL_CONTACTS_CALL

absl::StatusOr<ExportProgress> ContactsClient::ExportContacts(const v1::ListContactsRequest& request,
                                                              const ContactSink& on_contact,
                                                              const ProgressCallback& on_progress) const {
  return internal::ReadPages<v1::Contact, v1::ListContactsRequest, v1::ListContactsResponse>(
      request,
      [this](grpc::ClientContext* context, const v1::ListContactsRequest& r) { return stub_->ListContacts(context, r); },
      &v1::ListContactsResponse::contacts, "contacts", on_contact, on_progress, options_.export_retry, *clock_);
}

absl::StatusOr<ExportProgress> ContactsClient::SearchContacts(const v1::SearchContactsRequest& request,
                                                              const ContactSink& on_contact,
                                                              const ProgressCallback& on_progress) const {
  return internal::ReadPages<v1::Contact, v1::SearchContactsRequest, v1::SearchContactsResponse>(
      request,
      [this](grpc::ClientContext* context, const v1::SearchContactsRequest& r) {
        return stub_->SearchContacts(context, r);
      },
      &v1::SearchContactsResponse::contacts, "contacts", on_contact, on_progress, options_.export_retry, *clock_);
}

absl::StatusOr<ExportProgress> ContactsClient::ListBusinessContacts(const v1::ListBusinessContactsRequest& request,
                                                                    const ContactSink& on_contact,
                                                                    const ProgressCallback& on_progress) const {
  return internal::ReadPages<v1::Contact, v1::ListBusinessContactsRequest, v1::ListBusinessContactsResponse>(
      request,
      [this](grpc::ClientContext* context, const v1::ListBusinessContactsRequest& r) {
        return stub_->ListBusinessContacts(context, r);
      },
      &v1::ListBusinessContactsResponse::contacts, "contacts", on_contact, on_progress, options_.export_retry,
      *clock_);
}

std::unique_ptr<ContactsClient> MakeContactsClient(const std::string& target, ContactsClientOptions options,
                                                   std::shared_ptr<Clock> clock) {
  return MakeContactsClient(NewGatewayChannel(target), std::move(options),
                            std::move(clock));
}

std::unique_ptr<ContactsClient> MakeContactsClient(std::shared_ptr<grpc::Channel> channel,
                                                   ContactsClientOptions options, std::shared_ptr<Clock> clock) {
  return std::make_unique<ContactsClient>(v1::ContactsService::NewStub(channel), std::move(options),
                                          std::move(clock));
}

}  // namespace ghl::client
