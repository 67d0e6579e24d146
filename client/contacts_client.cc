#include "client/contacts_client.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <grpc/support/time.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/str_cat.h"
#include "client/status_conversion.h"

namespace ghl::client {
namespace {

namespace v1 = ::ghl::contacts::v1;

// Adds where the export stopped to an error, so a user can see how far it
// got and an operator can resume by hand.
absl::Status WithProgress(const absl::Status& status, const ExportProgress& progress) {
  absl::Status out(status.code(),
                   absl::StrCat(status.message(), " (export stopped after ", progress.contacts, " contacts in ",
                                progress.pages, " pages",
                                progress.resume_token.empty() ? std::string()
                                                              : absl::StrCat(", resume token ", progress.resume_token),
                                ")"));
  status.ForEachPayload([&out](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

}  // namespace

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

void ContactsClient::PrepareContext(grpc::ClientContext* context) const {
  if (options_.timeout > absl::ZeroDuration() && options_.timeout != absl::InfiniteDuration()) {
    // A GPR_TIMESPAN deadline is relative: gRPC adds it to its own clock when
    // the call starts, so no clock is read here (the injected Clock only
    // drives our sleeps and measurements; gRPC deadlines are gRPC's).
    context->set_deadline(gpr_time_from_millis(absl::ToInt64Milliseconds(options_.timeout), GPR_TIMESPAN));
  }
}

absl::StatusOr<v1::Contact> ContactsClient::GetContact(const v1::GetContactRequest& request) const {
  grpc::ClientContext context;
  PrepareContext(&context);
  v1::Contact response;
  absl::Status status = FromGrpcStatus(stub_->GetContact(&context, request, &response));
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::Contact> ContactsClient::CreateContact(const v1::CreateContactRequest& request) const {
  grpc::ClientContext context;
  PrepareContext(&context);
  v1::Contact response;
  absl::Status status = FromGrpcStatus(stub_->CreateContact(&context, request, &response));
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::Contact> ContactsClient::UpdateContact(const v1::UpdateContactRequest& request) const {
  grpc::ClientContext context;
  PrepareContext(&context);
  v1::Contact response;
  absl::Status status = FromGrpcStatus(stub_->UpdateContact(&context, request, &response));
  if (!status.ok()) return status;
  return response;
}

absl::Status ContactsClient::DeleteContact(const v1::DeleteContactRequest& request) const {
  grpc::ClientContext context;
  PrepareContext(&context);
  google::protobuf::Empty response;
  return FromGrpcStatus(stub_->DeleteContact(&context, request, &response));
}

absl::StatusOr<ExportProgress> ContactsClient::ExportContacts(const v1::ListContactsRequest& request,
                                                              const ContactSink& on_contact,
                                                              const ProgressCallback& on_progress) const {
  const absl::Time start = clock_->Now();
  ExportProgress progress;
  v1::ListContactsRequest attempt_request = request;
  int32_t last_page_number = 0;
  int failures_in_a_row = 0;

  while (true) {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReaderInterface<v1::ListContactsResponse>> reader =
        stub_->ListContacts(&context, attempt_request);
    v1::ListContactsResponse page;
    bool saw_last_page = false;
    absl::Status stop;  // set when we end the stream ourselves with an error
    while (reader->Read(&page)) {
      // Page numbers are 1-based over the whole listing; after a resume the
      // next page must follow the last one we delivered, else a page was lost
      // or would be repeated.
      if (page.page_number() > 0 && last_page_number > 0 && page.page_number() != last_page_number + 1) {
        stop = absl::DataLossError(absl::StrCat("page ", page.page_number(), " arrived after page ",
                                                last_page_number, "; refusing to skip or repeat contacts"));
        break;
      }
      for (const v1::Contact& contact : page.contacts()) {
        stop = on_contact(contact);
        if (!stop.ok()) break;
        ++progress.contacts;
      }
      if (!stop.ok()) break;
      ++progress.pages;
      if (page.total_size() > 0) progress.total = page.total_size();
      if (page.page_number() > 0) last_page_number = page.page_number();
      progress.resume_token = page.resume_token();
      progress.elapsed = clock_->Now() - start;
      failures_in_a_row = 0;
      if (on_progress) on_progress(progress);
      if (page.last_page()) {
        saw_last_page = true;
        break;
      }
      if (page.resume_token().empty()) {
        // Without a token a break after this page could only restart from
        // the beginning, which would repeat contacts.
        stop = absl::DataLossError(
            absl::StrCat("page ", progress.pages, " carried no resume_token; the export cannot be resumed safely"));
        break;
      }
    }
    if (saw_last_page || !stop.ok()) {
      // Everything we need has arrived (or we are giving up): do not wait
      // for the server to close the stream.
      context.TryCancel();
      reader->Finish();
      if (!stop.ok()) return WithProgress(stop, progress);
      progress.elapsed = clock_->Now() - start;
      return progress;
    }

    absl::Status status = FromGrpcStatus(reader->Finish());
    if (status.ok()) {
      status = absl::UnavailableError("the stream ended before the last page");
    }
    if (status.code() != absl::StatusCode::kUnavailable) return WithProgress(status, progress);
    ++failures_in_a_row;
    if (failures_in_a_row >= options_.export_retry.max_attempts) {
      return WithProgress(absl::UnavailableError(absl::StrCat(status.message(), " (gave up after ",
                                                              failures_in_a_row, " attempts in a row)")),
                          progress);
    }
    clock_->Sleep(options_.export_retry.BackoffFor(failures_in_a_row));
    ++progress.reconnects;
    if (!progress.resume_token.empty()) attempt_request.set_resume_token(progress.resume_token);
  }
}

std::unique_ptr<ContactsClient> MakeContactsClient(const std::string& target, ContactsClientOptions options,
                                                   std::shared_ptr<Clock> clock) {
  std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  return std::make_unique<ContactsClient>(v1::ContactsService::NewStub(channel), std::move(options),
                                          std::move(clock));
}

}  // namespace ghl::client
