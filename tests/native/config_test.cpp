// otlp::native::options_from_env against a fake environment (a std::map), never the real one.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "config.hpp"

namespace otlp::native {
namespace {

using Env = std::map<std::string, std::string>;

Result<Options> load(const Env& env) {
  return options_from_env([&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

Options ok(const Env& env) {
  auto r = load(env);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? r.value() : Options{};
}

std::string error(const Env& env) {
  auto r = load(env);
  EXPECT_FALSE(r.ok());
  return r.ok() ? std::string() : r.error().message;
}

// The message names the variable and quotes the value it got.
void expect_names(const Env& env, const std::string& var, const std::string& value) {
  const std::string m = error(env);
  EXPECT_NE(m.find(var + ":"), std::string::npos) << m;
  EXPECT_NE(m.find("'" + value + "'"), std::string::npos) << m;
}

const AnyValue* attribute(const Resource& r, std::string_view key) {
  const AnyValue* found = nullptr;
  int count = 0;
  for (const auto& kv : r.attributes)
    if (kv.key == key) {
      found = &kv.value;
      ++count;
    }
  EXPECT_LE(count, 1) << key << " appears more than once";
  return found;
}

std::string str_attribute(const Resource& r, std::string_view key) {
  const AnyValue* v = attribute(r, key);
  if (!v) return "<absent>";
  EXPECT_EQ(v->kind, AnyValue::Kind::string);
  return v->str;
}

using Headers = std::vector<std::pair<std::string, std::string>>;

TEST(ConfigDefaults, EmptyEnvironment) {
  const Options o = ok({});
  EXPECT_FALSE(o.disabled);
  EXPECT_EQ(o.endpoint, "http://localhost:4318/v1/traces");
  EXPECT_EQ(o.protocol, Protocol::http_protobuf);
  EXPECT_EQ(o.pipeline.protocol, otlp::Protocol::protobuf);
  EXPECT_TRUE(o.headers.empty());
  EXPECT_EQ(o.timeout_ms, 10000u);
  EXPECT_FALSE(o.gzip);
  EXPECT_FALSE(o.insecure);
  EXPECT_EQ(o.certificate, "");
  EXPECT_EQ(o.client_key, "");
  EXPECT_EQ(o.client_certificate, "");
  EXPECT_EQ(o.service_name, "unknown_service");
  EXPECT_EQ(str_attribute(o.resource, "service.name"), "unknown_service");
  EXPECT_EQ(str_attribute(o.resource, "telemetry.sdk.name"), "otlp-portable");
  EXPECT_EQ(str_attribute(o.resource, "telemetry.sdk.language"), "cpp");
  EXPECT_EQ(str_attribute(o.resource, "telemetry.sdk.version"), std::string(sdk_version()));
  EXPECT_FALSE(sdk_version().empty());
  EXPECT_EQ(o.resource.attributes.size(), 4u);
  // Spec defaults of the batch span processor and the span limits.
  EXPECT_EQ(o.pipeline.max_queue_size, 2048u);
  EXPECT_EQ(o.pipeline.max_export_batch_size, 512u);
  EXPECT_EQ(o.pipeline.schedule_delay_ns, 5'000'000'000u);
  EXPECT_EQ(o.pipeline.export_timeout_ns, 30'000'000'000u);
  EXPECT_EQ(o.sampler, "parentbased_always_on");
  EXPECT_EQ(o.sampler_arg, "");
  EXPECT_EQ(o.limits.attribute_count, 128u);
  EXPECT_EQ(o.limits.attribute_value_length, kNoLimit);
  EXPECT_EQ(o.limits.event_count, 128u);
  EXPECT_EQ(o.limits.link_count, 128u);
  EXPECT_EQ(o.limits.attributes_per_event, 128u);
  EXPECT_EQ(o.limits.attributes_per_link, 128u);
  EXPECT_FALSE(validate(o).has_value());
}

TEST(ConfigDefaults, EmptyAndBlankValuesCountAsUnset) {
  const Options o = ok({{"OTEL_EXPORTER_OTLP_ENDPOINT", ""},
                        {"OTEL_EXPORTER_OTLP_PROTOCOL", ""},
                        {"OTEL_EXPORTER_OTLP_TIMEOUT", "  "},
                        {"OTEL_BSP_MAX_QUEUE_SIZE", ""},
                        {"OTEL_SERVICE_NAME", ""},
                        {"OTEL_SDK_DISABLED", ""},
                        {"OTEL_TRACES_SAMPLER", ""}});
  EXPECT_EQ(o.endpoint, "http://localhost:4318/v1/traces");
  EXPECT_EQ(o.protocol, Protocol::http_protobuf);
  EXPECT_EQ(o.timeout_ms, 10000u);
  EXPECT_EQ(o.pipeline.max_queue_size, 2048u);
  EXPECT_EQ(o.service_name, "unknown_service");
  EXPECT_EQ(o.sampler, "parentbased_always_on");
  // An empty per-signal value does not hide the generic one.
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", ""}, {"OTEL_EXPORTER_OTLP_TIMEOUT", "7"}}).timeout_ms, 7u);
}

TEST(ConfigDefaults, DefaultOptionsStructValidates) {
  EXPECT_FALSE(validate(Options{}).has_value());
  Options o;
  o.endpoint = "localhost:4318";
  ASSERT_TRUE(validate(o).has_value());
  EXPECT_NE(validate(o)->message.find("endpoint: "), std::string::npos);
  o = Options{};
  o.timeout_ms = 0;
  EXPECT_TRUE(validate(o).has_value());
  o = Options{};
  o.pipeline.max_export_batch_size = 4096;
  EXPECT_TRUE(validate(o).has_value());
  o = Options{};
  o.sampler = "sometimes";
  EXPECT_TRUE(validate(o).has_value());
  o = Options{};
  o.headers = {{"bad name", "v"}};
  EXPECT_TRUE(validate(o).has_value());
}

TEST(ConfigDisabled, TrueIsCaseInsensitiveAndSkipsTheRest) {
  EXPECT_TRUE(ok({{"OTEL_SDK_DISABLED", "true"}}).disabled);
  EXPECT_TRUE(ok({{"OTEL_SDK_DISABLED", "TRUE"}}).disabled);
  EXPECT_TRUE(ok({{"OTEL_SDK_DISABLED", " True "}}).disabled);
  EXPECT_FALSE(ok({{"OTEL_SDK_DISABLED", "false"}}).disabled);
  EXPECT_FALSE(ok({{"OTEL_SDK_DISABLED", "False"}}).disabled);
  // Disabled: nothing else is read, so a bad value elsewhere cannot fail the start.
  EXPECT_TRUE(ok({{"OTEL_SDK_DISABLED", "true"}, {"OTEL_BSP_MAX_QUEUE_SIZE", "lots"}}).disabled);
  // Not disabled: the rest is read and checked.
  expect_names({{"OTEL_SDK_DISABLED", "false"}, {"OTEL_BSP_MAX_QUEUE_SIZE", "lots"}}, "OTEL_BSP_MAX_QUEUE_SIZE",
               "lots");
  expect_names({{"OTEL_SDK_DISABLED", "1"}}, "OTEL_SDK_DISABLED", "1");
  expect_names({{"OTEL_SDK_DISABLED", "yes"}}, "OTEL_SDK_DISABLED", "yes");
}

TEST(ConfigEndpoint, GenericGetsTracesPathAppended) {
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"}}).endpoint,
            "http://collector:4318/v1/traces");
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"}}).endpoint,
            "http://collector:4318/v1/traces");
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://example.com/otlp"}}).endpoint,
            "https://example.com/otlp/v1/traces");
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://example.com/otlp/"}}).endpoint,
            "https://example.com/otlp/v1/traces");
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_ENDPOINT", "HTTP://Collector:4318"}}).endpoint,
            "HTTP://Collector:4318/v1/traces");
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_ENDPOINT", " http://c:1 "}}).endpoint, "http://c:1/v1/traces");
}

TEST(ConfigEndpoint, PerSignalUsedAsIsAndWins) {
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318"}}).endpoint,
            "http://collector:4318");
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/custom/path/"}}).endpoint,
            "http://collector:4318/custom/path/");
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://a/t"},
                {"OTEL_EXPORTER_OTLP_ENDPOINT", "https://b"}})
                .endpoint,
            "https://a/t");
}

TEST(ConfigEndpoint, GrpcDefaultsAndNoPathAppended) {
  const Options o = ok({{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}});
  EXPECT_EQ(o.protocol, Protocol::grpc);
  EXPECT_EQ(o.endpoint, "http://localhost:4317");
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}, {"OTEL_EXPORTER_OTLP_ENDPOINT", "https://c:4317"}}).endpoint,
            "https://c:4317");
  // The traces protocol decides, and the generic endpoint then gets a path only for HTTP.
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"},
                {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf"},
                {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"}})
                .endpoint,
            "http://c:4318/v1/traces");
}

TEST(ConfigEndpoint, MustBeHttpUrl) {
  expect_names({{"OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318"}}, "OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318");
  expect_names({{"OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://x"}}, "OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://x");
  expect_names({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://"}}, "OTEL_EXPORTER_OTLP_ENDPOINT", "http://");
  expect_names({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://a b"}}, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
               "http://a b");
  expect_names({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4317"}}, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
               "collector:4317");
}

TEST(ConfigProtocol, ValuesAndPrecedence) {
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"}}).protocol, Protocol::http_protobuf);
  const Options json = ok({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"}});
  EXPECT_EQ(json.protocol, Protocol::http_json);
  EXPECT_EQ(json.pipeline.protocol, otlp::Protocol::json);
  EXPECT_EQ(json.endpoint, "http://localhost:4318/v1/traces");
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}, {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json"}})
                .protocol,
            Protocol::http_json);
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_PROTOCOL", "HTTP/JSON"}}).protocol, Protocol::http_json);
  expect_names({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http"}}, "OTEL_EXPORTER_OTLP_PROTOCOL", "http");
  expect_names({{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "thrift"}}, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "thrift");
}

TEST(ConfigHeaders, ParsingTrimmingAndPercentDecoding) {
  const Options o = ok({{"OTEL_EXPORTER_OTLP_HEADERS",
                         " api-key = abc%20def , Authorization=Bearer%20x%3Dy==,x-list=a%2Cb,x-empty=,"}});
  EXPECT_EQ(o.headers, (Headers{{"api-key", "abc def"},
                                {"Authorization", "Bearer x=y=="},
                                {"x-list", "a,b"},
                                {"x-empty", ""}}));
  // '+' is not a space here (baggage encoding, not a form); blank entries are skipped.
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_HEADERS", "a=1+2,,b=%41%6a"}}).headers, (Headers{{"a", "1+2"}, {"b", "Aj"}}));
}

TEST(ConfigHeaders, PerSignalWinsPerKey) {
  const Options o = ok({{"OTEL_EXPORTER_OTLP_HEADERS", "a=generic,b=generic,C=generic"},
                        {"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "b=traces,c=traces,d=traces"}});
  EXPECT_EQ(o.headers, (Headers{{"a", "generic"}, {"b", "traces"}, {"C", "traces"}, {"d", "traces"}}));
  // A repeated name within one variable: the last wins.
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_HEADERS", "a=1,A=2"}}).headers, (Headers{{"a", "2"}}));
}

TEST(ConfigHeaders, BadEntriesAreErrors) {
  expect_names({{"OTEL_EXPORTER_OTLP_HEADERS", "a=1,novalue"}}, "OTEL_EXPORTER_OTLP_HEADERS", "novalue");
  expect_names({{"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "bad%zzkey=1"}}, "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
               "bad%zzkey");
  expect_names({{"OTEL_EXPORTER_OTLP_HEADERS", "bad key=1"}}, "OTEL_EXPORTER_OTLP_HEADERS", "bad key");
  expect_names({{"OTEL_EXPORTER_OTLP_HEADERS", "a%3Ab=1"}}, "OTEL_EXPORTER_OTLP_HEADERS", "a:b");
  // Header values often carry credentials: errors about a value name the header, not the value.
  for (const char* value : {"secret%4", "secret%", "secret%0D%0AX-Injected: 1", "secret%00"}) {
    const std::string m = error({{"OTEL_EXPORTER_OTLP_HEADERS", std::string("Authorization=") + value}});
    EXPECT_NE(m.find("OTEL_EXPORTER_OTLP_HEADERS:"), std::string::npos) << m;
    EXPECT_NE(m.find("'Authorization'"), std::string::npos) << m;
    EXPECT_EQ(m.find("secret"), std::string::npos) << m;
  }
  const std::string m = error({{"OTEL_EXPORTER_OTLP_HEADERS", "=secret"}});
  EXPECT_NE(m.find("OTEL_EXPORTER_OTLP_HEADERS:"), std::string::npos) << m;
  EXPECT_EQ(m.find("secret"), std::string::npos) << m;
}

TEST(ConfigExporter, TimeoutCompressionInsecureCertificates) {
  const Options o = ok({{"OTEL_EXPORTER_OTLP_TIMEOUT", "2500"},
                        {"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"},
                        {"OTEL_EXPORTER_OTLP_INSECURE", "TRUE"},
                        {"OTEL_EXPORTER_OTLP_CERTIFICATE", "/etc/ca.pem"},
                        {"OTEL_EXPORTER_OTLP_CLIENT_KEY", "/etc/key.pem"},
                        {"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "/etc/cert.pem"}});
  EXPECT_EQ(o.timeout_ms, 2500u);
  EXPECT_TRUE(o.gzip);
  EXPECT_TRUE(o.insecure);
  EXPECT_EQ(o.certificate, "/etc/ca.pem");
  EXPECT_EQ(o.client_key, "/etc/key.pem");
  EXPECT_EQ(o.client_certificate, "/etc/cert.pem");
  EXPECT_FALSE(ok({{"OTEL_EXPORTER_OTLP_COMPRESSION", "none"}}).gzip);
  EXPECT_TRUE(ok({{"OTEL_EXPORTER_OTLP_COMPRESSION", "GZIP"}}).gzip);
  EXPECT_FALSE(ok({{"OTEL_EXPORTER_OTLP_INSECURE", "false"}}).insecure);
}

TEST(ConfigExporter, PerSignalBeatsGeneric) {
  const Options o = ok({{"OTEL_EXPORTER_OTLP_TIMEOUT", "1000"},
                        {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "2000"},
                        {"OTEL_EXPORTER_OTLP_COMPRESSION", "none"},
                        {"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip"},
                        {"OTEL_EXPORTER_OTLP_INSECURE", "false"},
                        {"OTEL_EXPORTER_OTLP_TRACES_INSECURE", "true"},
                        {"OTEL_EXPORTER_OTLP_CERTIFICATE", "g-ca"},
                        {"OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", "t-ca"},
                        {"OTEL_EXPORTER_OTLP_CLIENT_KEY", "g-key"},
                        {"OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", "t-key"},
                        {"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "g-cert"},
                        {"OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE", "t-cert"}});
  EXPECT_EQ(o.timeout_ms, 2000u);
  EXPECT_TRUE(o.gzip);
  EXPECT_TRUE(o.insecure);
  EXPECT_EQ(o.certificate, "t-ca");
  EXPECT_EQ(o.client_key, "t-key");
  EXPECT_EQ(o.client_certificate, "t-cert");
  // A bad generic value hidden by a per-signal one is never read for that signal; the logs and
  // metrics, exported over OTLP too by default, read it.
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_TIMEOUT", "soon"},
                {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "5"},
                {"OTEL_LOGS_EXPORTER", "none"},
                {"OTEL_METRICS_EXPORTER", "none"}})
                .timeout_ms,
            5u);
  expect_names({{"OTEL_EXPORTER_OTLP_TIMEOUT", "soon"}, {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "5"}},
               "OTEL_EXPORTER_OTLP_TIMEOUT", "soon");
}

TEST(ConfigExporter, BadValuesNameTheVariable) {
  expect_names({{"OTEL_EXPORTER_OTLP_TIMEOUT", "10s"}}, "OTEL_EXPORTER_OTLP_TIMEOUT", "10s");
  expect_names({{"OTEL_EXPORTER_OTLP_TIMEOUT", "0"}}, "OTEL_EXPORTER_OTLP_TIMEOUT", "0");
  expect_names({{"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "-1"}}, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "-1");
  expect_names({{"OTEL_EXPORTER_OTLP_TIMEOUT", "99999999999999999999"}}, "OTEL_EXPORTER_OTLP_TIMEOUT",
               "99999999999999999999");
  expect_names({{"OTEL_EXPORTER_OTLP_COMPRESSION", "br"}}, "OTEL_EXPORTER_OTLP_COMPRESSION", "br");
  expect_names({{"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "zstd"}}, "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "zstd");
  expect_names({{"OTEL_EXPORTER_OTLP_INSECURE", "1"}}, "OTEL_EXPORTER_OTLP_INSECURE", "1");
  expect_names({{"OTEL_EXPORTER_OTLP_TRACES_INSECURE", "on"}}, "OTEL_EXPORTER_OTLP_TRACES_INSECURE", "on");
}

TEST(ConfigResource, AttributesAndSdkAttributes) {
  const Options o = ok({{"OTEL_RESOURCE_ATTRIBUTES",
                         "deployment.environment=prod, host.name = web 1 ,note=a%2Cb%3Dc,empty=,k=v=w"}});
  EXPECT_EQ(str_attribute(o.resource, "deployment.environment"), "prod");
  EXPECT_EQ(str_attribute(o.resource, "host.name"), "web 1");
  EXPECT_EQ(str_attribute(o.resource, "note"), "a,b=c");
  EXPECT_EQ(str_attribute(o.resource, "empty"), "");
  EXPECT_EQ(str_attribute(o.resource, "k"), "v=w");
  EXPECT_EQ(str_attribute(o.resource, "service.name"), "unknown_service");
  EXPECT_EQ(str_attribute(o.resource, "telemetry.sdk.name"), "otlp-portable");
  // The variable's attributes keep their order, before the ones the SDK adds.
  ASSERT_GE(o.resource.attributes.size(), 2u);
  EXPECT_EQ(o.resource.attributes[0].key, "deployment.environment");
  EXPECT_EQ(o.resource.attributes[1].key, "host.name");
  // A repeated key: the last wins. The variable may override telemetry.sdk.* too.
  const Options r = ok({{"OTEL_RESOURCE_ATTRIBUTES", "a=1,a=2,telemetry.sdk.language=c++"}});
  EXPECT_EQ(str_attribute(r.resource, "a"), "2");
  EXPECT_EQ(str_attribute(r.resource, "telemetry.sdk.language"), "c++");
}

TEST(ConfigResource, ServiceNamePrecedence) {
  Options o = ok({{"OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs,x=1"}});
  EXPECT_EQ(o.service_name, "from-attrs");
  EXPECT_EQ(str_attribute(o.resource, "service.name"), "from-attrs");
  o = ok({{"OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs"}, {"OTEL_SERVICE_NAME", "checkout"}});
  EXPECT_EQ(o.service_name, "checkout");
  EXPECT_EQ(str_attribute(o.resource, "service.name"), "checkout");
  o = ok({{"OTEL_SERVICE_NAME", "checkout"}});
  EXPECT_EQ(o.service_name, "checkout");
  EXPECT_EQ(str_attribute(o.resource, "service.name"), "checkout");
  // An empty service.name in the attributes does not replace the default.
  o = ok({{"OTEL_RESOURCE_ATTRIBUTES", "service.name="}});
  EXPECT_EQ(o.service_name, "unknown_service");
  EXPECT_EQ(str_attribute(o.resource, "service.name"), "unknown_service");
}

TEST(ConfigResource, BadEntriesAreErrors) {
  expect_names({{"OTEL_RESOURCE_ATTRIBUTES", "a=1,oops"}}, "OTEL_RESOURCE_ATTRIBUTES", "oops");
  expect_names({{"OTEL_RESOURCE_ATTRIBUTES", "=1"}}, "OTEL_RESOURCE_ATTRIBUTES", "=1");
  expect_names({{"OTEL_RESOURCE_ATTRIBUTES", "a=100%"}}, "OTEL_RESOURCE_ATTRIBUTES", "100%");
  expect_names({{"OTEL_RESOURCE_ATTRIBUTES", "a=%g1"}}, "OTEL_RESOURCE_ATTRIBUTES", "%g1");
  expect_names({{"OTEL_RESOURCE_ATTRIBUTES", "a%=1"}}, "OTEL_RESOURCE_ATTRIBUTES", "a%");
}

TEST(ConfigBatch, ValuesInMillisecondsAndSizes) {
  const Options o = ok({{"OTEL_BSP_SCHEDULE_DELAY", "200"},
                        {"OTEL_BSP_EXPORT_TIMEOUT", "1500"},
                        {"OTEL_BSP_MAX_QUEUE_SIZE", "100"},
                        {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "100"}});
  EXPECT_EQ(o.pipeline.schedule_delay_ns, 200'000'000u);
  EXPECT_EQ(o.pipeline.export_timeout_ns, 1'500'000'000u);
  EXPECT_EQ(o.pipeline.max_queue_size, 100u);
  EXPECT_EQ(o.pipeline.max_export_batch_size, 100u);
  EXPECT_EQ(ok({{"OTEL_BSP_SCHEDULE_DELAY", "0"}}).pipeline.schedule_delay_ns, 0u);
  EXPECT_EQ(ok({{"OTEL_BSP_MAX_QUEUE_SIZE", "4294967295"}}).pipeline.max_queue_size, 4294967295u);
}

TEST(ConfigBatch, BadValuesNameTheVariable) {
  EXPECT_EQ(error({{"OTEL_BSP_MAX_QUEUE_SIZE", "lots"}}),
            "OTEL_BSP_MAX_QUEUE_SIZE: expected a non-negative integer, got 'lots'");
  expect_names({{"OTEL_BSP_MAX_QUEUE_SIZE", "4294967296"}}, "OTEL_BSP_MAX_QUEUE_SIZE", "4294967296");
  expect_names({{"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "+5"}}, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "+5");
  expect_names({{"OTEL_BSP_SCHEDULE_DELAY", "5s"}}, "OTEL_BSP_SCHEDULE_DELAY", "5s");
  expect_names({{"OTEL_BSP_SCHEDULE_DELAY", "1.5"}}, "OTEL_BSP_SCHEDULE_DELAY", "1.5");
  expect_names({{"OTEL_BSP_EXPORT_TIMEOUT", "18446744073709551615"}}, "OTEL_BSP_EXPORT_TIMEOUT",
               "18446744073709551615");
  expect_names({{"OTEL_BSP_EXPORT_TIMEOUT", "0x10"}}, "OTEL_BSP_EXPORT_TIMEOUT", "0x10");
  // Relations and zeros come from otlp::validate(PipelineConfig), naming variable and value.
  std::string m = error({{"OTEL_BSP_MAX_QUEUE_SIZE", "100"}, {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "600"}});
  EXPECT_NE(m.find("OTEL_BSP_MAX_EXPORT_BATCH_SIZE:"), std::string::npos) << m;
  EXPECT_NE(m.find("600"), std::string::npos) << m;
  m = error({{"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4096"}});  // above the default queue size
  EXPECT_NE(m.find("OTEL_BSP_MAX_EXPORT_BATCH_SIZE:"), std::string::npos) << m;
  m = error({{"OTEL_BSP_MAX_QUEUE_SIZE", "0"}});
  EXPECT_NE(m.find("OTEL_BSP_MAX_QUEUE_SIZE:"), std::string::npos) << m;
  m = error({{"OTEL_BSP_EXPORT_TIMEOUT", "0"}});
  EXPECT_NE(m.find("OTEL_BSP_EXPORT_TIMEOUT:"), std::string::npos) << m;
}

TEST(ConfigSampler, NamesAndArgs) {
  Options o = ok({{"OTEL_TRACES_SAMPLER", "traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", "0.25"}});
  EXPECT_EQ(o.sampler, "traceidratio");
  EXPECT_EQ(o.sampler_arg, "0.25");
  EXPECT_EQ(ok({{"OTEL_TRACES_SAMPLER", "always_off"}}).sampler, "always_off");
  EXPECT_EQ(ok({{"OTEL_TRACES_SAMPLER", " parentbased_traceidratio "}}).sampler, "parentbased_traceidratio");
  expect_names({{"OTEL_TRACES_SAMPLER", "sometimes"}}, "OTEL_TRACES_SAMPLER", "sometimes");
  const std::string m = error({{"OTEL_TRACES_SAMPLER", "traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", "1.5"}});
  EXPECT_NE(m.find("OTEL_TRACES_SAMPLER_ARG:"), std::string::npos) << m;
  EXPECT_NE(m.find("1.5"), std::string::npos) << m;
}

TEST(ConfigLimits, SpecificVariables) {
  const Options o = ok({{"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "10"},
                        {"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "20"},
                        {"OTEL_SPAN_EVENT_COUNT_LIMIT", "30"},
                        {"OTEL_SPAN_LINK_COUNT_LIMIT", "40"},
                        {"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "50"},
                        {"OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "60"}});
  EXPECT_EQ(o.limits.attribute_count, 10u);
  EXPECT_EQ(o.limits.attribute_value_length, 20u);
  EXPECT_EQ(o.limits.event_count, 30u);
  EXPECT_EQ(o.limits.link_count, 40u);
  EXPECT_EQ(o.limits.attributes_per_event, 50u);
  EXPECT_EQ(o.limits.attributes_per_link, 60u);
  EXPECT_EQ(ok({{"OTEL_SPAN_EVENT_COUNT_LIMIT", "0"}}).limits.event_count, 0u);
}

TEST(ConfigLimits, GeneralLimitsAreFallbacks) {
  Options o = ok({{"OTEL_ATTRIBUTE_COUNT_LIMIT", "7"}, {"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "9"}});
  EXPECT_EQ(o.limits.attribute_count, 7u);
  EXPECT_EQ(o.limits.attribute_value_length, 9u);
  EXPECT_EQ(o.limits.attributes_per_event, 7u);
  EXPECT_EQ(o.limits.attributes_per_link, 7u);
  EXPECT_EQ(o.limits.event_count, 128u);
  o = ok({{"OTEL_ATTRIBUTE_COUNT_LIMIT", "7"},
          {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "70"},
          {"OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", "71"},
          {"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "9"},
          {"OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "90"}});
  EXPECT_EQ(o.limits.attribute_count, 70u);
  EXPECT_EQ(o.limits.attributes_per_event, 71u);
  EXPECT_EQ(o.limits.attributes_per_link, 7u);
  EXPECT_EQ(o.limits.attribute_value_length, 90u);
}

TEST(ConfigLimits, BadValuesNameTheVariable) {
  for (const char* var : {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
                          "OTEL_SPAN_EVENT_COUNT_LIMIT", "OTEL_SPAN_LINK_COUNT_LIMIT", "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT",
                          "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", "OTEL_ATTRIBUTE_COUNT_LIMIT",
                          "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT"}) {
    SCOPED_TRACE(var);
    expect_names({{var, "-3"}}, var, "-3");
    expect_names({{var, "12 34"}}, var, "12 34");
    expect_names({{var, "5000000000"}}, var, "5000000000");
  }
}

TEST(ConfigLogs, DefaultsAreTheLogsRow) {
  const Options o = ok({});
  EXPECT_EQ(o.traces_exporter, ExporterKind::otlp);
  EXPECT_EQ(o.logs.exporter, ExporterKind::otlp);
  EXPECT_EQ(o.logs.otlp.endpoint, "http://localhost:4318/v1/logs");
  EXPECT_EQ(o.logs.otlp.protocol, Protocol::http_protobuf);
  EXPECT_EQ(o.logs.pipeline.signal, Signal::logs);
  EXPECT_EQ(o.logs.pipeline.schedule_delay_ns, 1'000'000'000u);  // BLRP: 1 s, not BSP's 5 s
  EXPECT_EQ(o.logs.pipeline.max_queue_size, 2048u);
  EXPECT_EQ(o.logs.limits.attribute_count, 128u);
  EXPECT_EQ(o.logs.limits.attribute_value_length, kNoLimit);
  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}}).logs.otlp.endpoint, "http://localhost:4317");
}

TEST(ConfigLogs, GenericEndpointGetsTheLogsPathAndPerSignalIsUsedAsIs) {
  const Options o = ok({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"}});
  EXPECT_EQ(o.endpoint, "http://collector:4318/v1/traces");
  EXPECT_EQ(o.logs.otlp.endpoint, "http://collector:4318/v1/logs");
  const Options p = ok({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"},
                        {"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "https://logs:9000/ingest"}});
  EXPECT_EQ(p.endpoint, "http://collector:4318/v1/traces");
  EXPECT_EQ(p.logs.otlp.endpoint, "https://logs:9000/ingest");
  expect_names({{"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "logs:9000"}}, "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "logs:9000");
}

TEST(ConfigLogs, PerSignalVariablesApplyToTheirSignalOnly) {
  const Options o = ok({{"OTEL_EXPORTER_OTLP_HEADERS", "a=1,b=2"},
                        {"OTEL_EXPORTER_OTLP_LOGS_HEADERS", "b=3"},
                        {"OTEL_EXPORTER_OTLP_TIMEOUT", "1000"},
                        {"OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "3000"},
                        {"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/json"},
                        {"OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "gzip"},
                        {"OTEL_EXPORTER_OTLP_LOGS_INSECURE", "true"},
                        {"OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE", "l-ca"},
                        {"OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY", "l-key"},
                        {"OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE", "l-cert"}});
  using KV = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(o.headers, (KV{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(o.logs.otlp.headers, (KV{{"a", "1"}, {"b", "3"}}));
  EXPECT_EQ(o.timeout_ms, 1000u);
  EXPECT_EQ(o.logs.otlp.timeout_ms, 3000u);
  EXPECT_EQ(o.protocol, Protocol::http_protobuf);
  EXPECT_EQ(o.pipeline.protocol, otlp::Protocol::protobuf);
  EXPECT_EQ(o.logs.otlp.protocol, Protocol::http_json);
  EXPECT_EQ(o.logs.pipeline.protocol, otlp::Protocol::json);
  EXPECT_FALSE(o.gzip);
  EXPECT_TRUE(o.logs.otlp.gzip);
  EXPECT_FALSE(o.insecure);
  EXPECT_TRUE(o.logs.otlp.insecure);
  EXPECT_EQ(o.certificate, "");
  EXPECT_EQ(o.logs.otlp.certificate, "l-ca");
  EXPECT_EQ(o.logs.otlp.client_key, "l-key");
  EXPECT_EQ(o.logs.otlp.client_certificate, "l-cert");
}

TEST(ConfigLogs, BadLogsValuesNameTheVariable) {
  expect_names({{"OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "soon"}}, "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "soon");
  expect_names({{"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "udp"}}, "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "udp");
  expect_names({{"OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "br"}}, "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "br");
  expect_names({{"OTEL_EXPORTER_OTLP_LOGS_INSECURE", "yes"}}, "OTEL_EXPORTER_OTLP_LOGS_INSECURE", "yes");
  const std::string headers = error({{"OTEL_EXPORTER_OTLP_LOGS_HEADERS", "=secret"}});
  EXPECT_NE(headers.find("OTEL_EXPORTER_OTLP_LOGS_HEADERS:"), std::string::npos) << headers;
  EXPECT_EQ(headers.find("secret"), std::string::npos) << headers;
  expect_names({{"OTEL_BLRP_MAX_QUEUE_SIZE", "lots"}}, "OTEL_BLRP_MAX_QUEUE_SIZE", "lots");
  expect_names({{"OTEL_BLRP_SCHEDULE_DELAY", "1s"}}, "OTEL_BLRP_SCHEDULE_DELAY", "1s");
  EXPECT_NE(error({{"OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "4096"}}).find("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE"),
            std::string::npos);
  expect_names({{"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "-3"}}, "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "-3");
}

TEST(ConfigLogs, BatchAndLimitVariables) {
  const Options o = ok({{"OTEL_BLRP_SCHEDULE_DELAY", "250"},
                        {"OTEL_BLRP_EXPORT_TIMEOUT", "7000"},
                        {"OTEL_BLRP_MAX_QUEUE_SIZE", "300"},
                        {"OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "30"},
                        {"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "9"},
                        {"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "64"}});
  EXPECT_EQ(o.logs.pipeline.schedule_delay_ns, 250'000'000u);
  EXPECT_EQ(o.logs.pipeline.export_timeout_ns, 7'000'000'000u);
  EXPECT_EQ(o.logs.pipeline.max_queue_size, 300u);
  EXPECT_EQ(o.logs.pipeline.max_export_batch_size, 30u);
  EXPECT_EQ(o.pipeline.max_queue_size, 2048u);  // BSP untouched
  EXPECT_EQ(o.logs.limits.attribute_count, 9u);
  EXPECT_EQ(o.logs.limits.attribute_value_length, 64u);  // the general limit stands in
  EXPECT_EQ(o.limits.attribute_count, 128u);
}

TEST(ConfigLogs, ExporterSelection) {
  const Options o = ok({{"OTEL_TRACES_EXPORTER", "console"}, {"OTEL_LOGS_EXPORTER", "NONE"}});
  EXPECT_EQ(o.traces_exporter, ExporterKind::console);
  EXPECT_EQ(o.logs.exporter, ExporterKind::none);
  EXPECT_EQ(ok({{"OTEL_LOGS_EXPORTER", "otlp"}}).logs.exporter, ExporterKind::otlp);
  expect_names({{"OTEL_LOGS_EXPORTER", "zipkin"}}, "OTEL_LOGS_EXPORTER", "zipkin");
  // Lists (the spec's variables are comma-separated): a set, repeats harmless, none only alone.
  EXPECT_EQ(ok({{"OTEL_TRACES_EXPORTER", "otlp, Console"}}).traces_exporter,
            ExporterKind::otlp | ExporterKind::console);
  EXPECT_EQ(ok({{"OTEL_LOGS_EXPORTER", "console,console,"}}).logs.exporter, ExporterKind::console);
  expect_names({{"OTEL_TRACES_EXPORTER", "otlp,none"}}, "OTEL_TRACES_EXPORTER", "otlp,none");
  expect_names({{"OTEL_TRACES_EXPORTER", "otlp,zipkin"}}, "OTEL_TRACES_EXPORTER", "otlp,zipkin");
  expect_names({{"OTEL_LOGS_EXPORTER", ",,"}}, "OTEL_LOGS_EXPORTER", ",,");
  // With otlp in the list, its variables are read and checked.
  expect_names({{"OTEL_TRACES_EXPORTER", "console,otlp"}, {"OTEL_EXPORTER_OTLP_TIMEOUT", "soon"}},
               "OTEL_EXPORTER_OTLP_TIMEOUT", "soon");
  // Console: the pipeline holds protobuf for the console's transcoder, whatever the protocol.
  const Options c = ok({{"OTEL_LOGS_EXPORTER", "console"}, {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"}});
  EXPECT_EQ(c.logs.pipeline.protocol, otlp::Protocol::protobuf);
  EXPECT_EQ(c.pipeline.protocol, otlp::Protocol::json);
}

TEST(ConfigPropagators, ValuesAndErrors) {
  const Options d = ok({});
  EXPECT_TRUE(d.propagators.tracecontext);
  EXPECT_TRUE(d.propagators.baggage);
  const Options t = ok({{"OTEL_PROPAGATORS", " TraceContext "}});
  EXPECT_TRUE(t.propagators.tracecontext);
  EXPECT_FALSE(t.propagators.baggage);
  const Options b = ok({{"OTEL_PROPAGATORS", "baggage,"}});
  EXPECT_FALSE(b.propagators.tracecontext);
  EXPECT_TRUE(b.propagators.baggage);
  const Options both = ok({{"OTEL_PROPAGATORS", "baggage , tracecontext"}});
  EXPECT_TRUE(both.propagators.tracecontext && both.propagators.baggage);
  const Options none = ok({{"OTEL_PROPAGATORS", "none"}});
  EXPECT_FALSE(none.propagators.tracecontext || none.propagators.baggage);
  expect_names({{"OTEL_PROPAGATORS", "b3"}}, "OTEL_PROPAGATORS", "b3");
  expect_names({{"OTEL_PROPAGATORS", "tracecontext,jaeger"}}, "OTEL_PROPAGATORS", "tracecontext,jaeger");
  expect_names({{"OTEL_PROPAGATORS", "none,baggage"}}, "OTEL_PROPAGATORS", "none,baggage");
}

TEST(ConfigDefaults, RealEnvironmentIsTheDefaultSource) {
  // With no getenv given, ::getenv is used. Whatever the test runner's environment holds, the
  // result is options or an error naming an OTEL_* variable.
  auto r = options_from_env();
  if (!r.ok()) {
    EXPECT_EQ(r.error().message.rfind("OTEL_", 0), 0u) << r.error().message;
  }
}


// The metrics signal's variables: its exporter and OTLP options as the other signals', the
// periodic reader's interval and timeout, temporality and histogram aggregation.
TEST(ConfigMetrics, VariablesAndTheirErrors) {
  Options o = ok({{"OTEL_METRICS_EXPORTER", "console"},
                  {"OTEL_METRIC_EXPORT_INTERVAL", "1500"},
                  {"OTEL_METRIC_EXPORT_TIMEOUT", "700"},
                  {"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "LowMemory"},
                  {"OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION", "base2_exponential_bucket_histogram"}});
  EXPECT_EQ(o.metrics.exporter, ExporterKind::console);
  EXPECT_EQ(o.metrics.export_interval_ms, 1500u);
  EXPECT_EQ(o.metrics.pipeline.export_timeout_ns, 700 * 1'000'000ull);
  EXPECT_EQ(o.metrics.temporality, TemporalityPreference::lowmemory);
  EXPECT_EQ(o.metrics.default_histogram_aggregation, Aggregation::exponential_histogram);
  EXPECT_EQ(o.traces_exporter, ExporterKind::otlp);  // untouched by the metrics variables
  EXPECT_EQ(ok({}).metrics.default_histogram_aggregation, Aggregation::explicit_histogram);

  EXPECT_EQ(ok({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"}}).metrics.otlp.endpoint,
            "http://collector:4318/v1/metrics");
  o = ok({{"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://m:9/x"}, {"OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/json"}});
  EXPECT_EQ(o.metrics.otlp.endpoint, "http://m:9/x");
  EXPECT_EQ(o.metrics.pipeline.protocol, otlp::Protocol::json);
  EXPECT_EQ(o.endpoint, "http://localhost:4318/v1/traces");

  expect_names({{"OTEL_METRIC_EXPORT_INTERVAL", "soon"}}, "OTEL_METRIC_EXPORT_INTERVAL", "soon");
  expect_names({{"OTEL_METRIC_EXPORT_INTERVAL", "0"}}, "OTEL_METRIC_EXPORT_INTERVAL", "0");
  expect_names({{"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "sometimes"}},
               "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "sometimes");
  expect_names({{"OTEL_METRICS_EXPORTER", "prometheus"}}, "OTEL_METRICS_EXPORTER", "prometheus");
  expect_names({{"OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION", "summary"}},
               "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION", "summary");
  EXPECT_NE(error({{"OTEL_METRIC_EXPORT_TIMEOUT", "0"}}).find("OTEL_METRIC_EXPORT_TIMEOUT"), std::string::npos);
}

}  // namespace
}  // namespace otlp::native
