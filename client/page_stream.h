// ReadPages: the resumable reader behind every paged server stream of the
// gateway (ListContacts, SearchContacts, ListBusinessContacts,
// ListContactAppointments). Each stream message is one upstream page with
// `resume_token`, `page_number` and `last_page`; ReadPages flattens pages
// into items delivered to a callback exactly once, in order, and reopens a
// broken stream (UNAVAILABLE, or an end without `last_page`) with the
// resume token of the last page delivered. See ContactsClient::ExportContacts
// for the contract; every streaming method of the client library shares it.
//
// Threading: blocks the calling thread; callbacks run on it. Ownership:
// borrows everything for the duration of the call.
#ifndef GHL_CLIENT_PAGE_STREAM_H_
#define GHL_CLIENT_PAGE_STREAM_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include <google/protobuf/repeated_field.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "client/clock.h"
#include "client/contacts_client.h"
#include "client/status_conversion.h"

namespace ghl::client::internal {

/// Opens one attempt of a stream (the context is fresh per attempt).
template <typename Request, typename Response>
using OpenPageStream =
    std::function<std::unique_ptr<grpc::ClientReaderInterface<Response>>(grpc::ClientContext*, const Request&)>;

/// Adds where a listing stopped to an error, so a user sees how far it got
/// and an operator can resume by hand. `noun` names the items ("contacts").
inline absl::Status WithProgress(const absl::Status& status, const ExportProgress& progress,
                                 absl::string_view noun) {
  absl::Status out(status.code(),
                   absl::StrCat(status.message(), " (export stopped after ", progress.contacts, " ", noun, " in ",
                                progress.pages, " pages",
                                progress.resume_token.empty() ? std::string()
                                                              : absl::StrCat(", resume token ", progress.resume_token),
                                ")"));
  status.ForEachPayload([&out](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

template <typename T, typename = void>
struct HasTotalSize : std::false_type {};
template <typename T>
struct HasTotalSize<T, std::void_t<decltype(std::declval<const T&>().total_size())>> : std::true_type {};

/// Reads every page of a paged stream. See the file comment.
/// @param request the first attempt's request; its resume_token is replaced
///        on reconnects.
/// @param items the page message's repeated item field, e.g.
///        &ListContactsResponse::contacts.
/// @param noun names the items in error messages.
/// @return as ContactsClient::ExportContacts (ExportProgress::contacts
///         counts items of any kind).
template <typename Item, typename Request, typename Response>
absl::StatusOr<ExportProgress> ReadPages(const Request& request, const OpenPageStream<Request, Response>& open,
                                         const google::protobuf::RepeatedPtrField<Item>& (Response::*items)() const,
                                         absl::string_view noun,
                                         const std::function<absl::Status(const Item&)>& on_item,
                                         const ProgressCallback& on_progress, const ExportRetryPolicy& policy,
                                         Clock& clock) {
  const absl::Time start = clock.Now();
  ExportProgress progress;
  Request attempt_request = request;
  int32_t last_page_number = 0;
  int failures_in_a_row = 0;

  while (true) {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReaderInterface<Response>> reader = open(&context, attempt_request);
    Response page;
    bool saw_last_page = false;
    absl::Status stop;  // set when we end the stream ourselves with an error
    while (reader->Read(&page)) {
      // Page numbers are 1-based over the whole listing; after a resume the
      // next page must follow the last one we delivered, else a page was
      // lost or would be repeated.
      if (page.page_number() > 0 && last_page_number > 0 && page.page_number() != last_page_number + 1) {
        stop = absl::DataLossError(absl::StrCat("page ", page.page_number(), " arrived after page ", last_page_number,
                                                "; refusing to skip or repeat ", noun));
        break;
      }
      for (const Item& item : (page.*items)()) {
        stop = on_item(item);
        if (!stop.ok()) break;
        ++progress.contacts;
      }
      if (!stop.ok()) break;
      ++progress.pages;
      if constexpr (HasTotalSize<Response>::value) {
        if (page.total_size() > 0) progress.total = page.total_size();
      }
      if (page.page_number() > 0) last_page_number = page.page_number();
      progress.resume_token = page.resume_token();
      progress.elapsed = clock.Now() - start;
      failures_in_a_row = 0;
      if (on_progress) on_progress(progress);
      if (page.last_page()) {
        saw_last_page = true;
        break;
      }
      if (page.resume_token().empty()) {
        // Without a token a break after this page could only restart from
        // the beginning, which would repeat items.
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
      if (!stop.ok()) return WithProgress(stop, progress, noun);
      progress.elapsed = clock.Now() - start;
      return progress;
    }

    absl::Status status = FromGrpcStatus(reader->Finish());
    if (status.ok()) status = absl::UnavailableError("the stream ended before the last page");
    if (status.code() != absl::StatusCode::kUnavailable) return WithProgress(status, progress, noun);
    ++failures_in_a_row;
    if (failures_in_a_row >= policy.max_attempts) {
      return WithProgress(absl::UnavailableError(absl::StrCat(status.message(), " (gave up after ", failures_in_a_row,
                                                              " attempts in a row)")),
                          progress, noun);
    }
    clock.Sleep(policy.BackoffFor(failures_in_a_row));
    ++progress.reconnects;
    if (!progress.resume_token.empty()) attempt_request.set_resume_token(progress.resume_token);
  }
}

/// Sets a relative deadline of `timeout` on `context` (none for zero or
/// infinite). GPR_TIMESPAN: gRPC adds it to its own clock when the call
/// starts, so no clock is read here.
void SetTimeout(grpc::ClientContext* context, absl::Duration timeout);

/// One unary call with the client's deadline, as absl::StatusOr.
/// @param call e.g. [&](auto* ctx, auto& req, auto* resp) { return stub->GetTask(ctx, req, resp); }
template <typename Response, typename Request, typename Call>
absl::StatusOr<Response> CallUnary(const Call& call, const Request& request, absl::Duration timeout) {
  grpc::ClientContext context;
  SetTimeout(&context, timeout);
  Response response;
  absl::Status status = FromGrpcStatus(call(&context, request, &response));
  if (!status.ok()) return status;
  return response;
}

}  // namespace ghl::client::internal

#endif  // GHL_CLIENT_PAGE_STREAM_H_
