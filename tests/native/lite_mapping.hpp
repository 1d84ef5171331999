// An independent mapping between the core's model and the protobuf-lite classes generated
// from proto/, used as the oracle. The rules make lite's serialization of a mapped model
// byte-identical to the core writer's output:
//   - Status is set only when its code is not UNSET or its message is non-empty;
//   - Resource only when it has attributes or a dropped count; scope only when any field of it
//     is non-default;
//   - KeyValue.value is always set, even for an empty AnyValue;
//   - an all-zero id leaves the bytes field empty;
//   - AnyValue sets exactly the oneof member of its kind (empty kind: nothing set).
// From lite, an empty id field becomes the zero id; any other length than the id's is an error.
#pragma once
#include <optional>
#include <string>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "otlp/model/span.hpp"

namespace otlp::testing::lite {

namespace pb_collector = opentelemetry::proto::collector::trace::v1;
namespace pb_trace = opentelemetry::proto::trace::v1;
namespace pb_common = opentelemetry::proto::common::v1;
namespace pb_resource = opentelemetry::proto::resource::v1;

// model → lite
void to_lite(const AnyValue& in, pb_common::AnyValue& out);
void to_lite(const SpanData& in, pb_trace::Span& out);
void to_lite(const TraceRequest& in, pb_collector::ExportTraceServiceRequest& out);
pb_collector::ExportTraceServiceRequest to_lite(const TraceRequest& in);

// lite → model; nullopt (and a reason in *error) when an id has a length other than 0 or its size.
std::optional<TraceRequest> from_lite(const pb_collector::ExportTraceServiceRequest& in, std::string* error = nullptr);
AnyValue from_lite(const pb_common::AnyValue& in);

// Serializes `request` with protobuf-lite; nullopt when lite refuses.
std::optional<std::string> serialize_with_lite(const TraceRequest& request);

}  // namespace otlp::testing::lite
