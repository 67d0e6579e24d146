// AppointmentsStub: the GHL REST operation get-appointments-for-contact
// (GET /contacts/{contactId}/appointments). Sends it once through
// GhlRestCall and maps `events` with the Appointment mapper. No retries:
// AppointmentsConnection retries.
//
// Thread-safety: the default stub is safe for concurrent use if its
// transport and token source are.
#ifndef GHL_ADAPTERS_GHL_CONTACTS_APPOINTMENTS_STUB_H_
#define GHL_ADAPTERS_GHL_CONTACTS_APPOINTMENTS_STUB_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "adapters/ghl/auth/token_source.h"
#include "adapters/ghl/contacts/contacts_stub.h"
#include "adapters/ghl/http/http_transport.h"
#include "ghl/contacts/v1/appointment.pb.h"

namespace ghl::contacts {

/// One upstream answer of get-appointments-for-contact.
struct AppointmentsPage {
  google::protobuf::RepeatedPtrField<ghl::contacts::v1::Appointment> appointments;
};

/// The appointment operation of apps/contacts.json.
class AppointmentsStub {
 public:
  virtual ~AppointmentsStub() = default;
  /// GET /contacts/{contactId}/appointments (every appointment at once).
  virtual absl::StatusOr<AppointmentsPage> ListContactAppointments(
      const CallOptions& options, const std::string& location_id,
      const std::string& contact_id) = 0;
};

/// Builds the production stub.
/// @param base_url e.g. https://services.leadconnectorhq.com.
std::shared_ptr<AppointmentsStub> MakeDefaultAppointmentsStub(
    std::shared_ptr<http::HttpTransport> transport, std::string base_url,
    std::shared_ptr<auth::TokenSource> tokens);

}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_APPOINTMENTS_STUB_H_
