using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Ministudio.Platform;

/// <summary>Endpoint metadata: the endpoint honours an <c>Idempotency-Key</c> header (submissions).</summary>
public sealed record IdempotencyKeyMetadata;

/// <summary>
/// Endpoint metadata: the body the endpoint reads itself, for the document only. Not <c>IAcceptsMetadata</c>, which
/// would let routing refuse other content types with a bare 415 before the handler answers with its own code.
/// </summary>
public sealed record RequestBodyMetadata(Type Type, IReadOnlyList<string> ContentTypes);

/// <summary>Endpoint metadata: a named example of the request body, as text (a service's examples come from samples/).</summary>
public sealed record RequestExampleMetadata(string Name, string Summary, string Value);

/// <summary>
/// Each service's OpenAPI 3.1 document (<c>/openapi/v1.json</c>, internal): the framework's description of its routes,
/// plus the catalogue problems and the Idempotency-Key each endpoint declares. The gateway merges the public part.
/// </summary>
public static class ApiDocument
{
    public const string Name = "v1";
    public const string Route = "/openapi/{documentName}.json";
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string IdempotentReplayedHeader = "Idempotent-Replayed";
    public const string ProblemCodesExtension = "x-problem-codes";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(Name, options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddOperationTransformer(async (operation, context, ct) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                DescribeProblems(operation, metadata.OfType<ProblemsMetadata>().SelectMany(m => m.Problems).Distinct().ToList());
                if (metadata.OfType<IdempotencyKeyMetadata>().Any()) DescribeIdempotencyKey(operation);
                if (metadata.OfType<RequestBodyMetadata>().FirstOrDefault() is { } body)
                {
                    var schema = await context.GetOrCreateSchemaAsync(body.Type, null, ct);
                    var examples = metadata.OfType<RequestExampleMetadata>().ToList();
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Content = body.ContentTypes.ToDictionary(type => type, type => new OpenApiMediaType { Schema = schema, Examples = Examples(type, examples) }),
                    };
                }
            });
        });

    /// <summary>Serves the document at <see cref="Route"/>.</summary>
    public static IEndpointConventionBuilder MapApiDocument(this WebApplication app) => app.MapOpenApi(Route);

    /// <summary>Describes the body an endpoint reads itself (default content type: JSON).</summary>
    public static RouteHandlerBuilder DescribesBody<T>(this RouteHandlerBuilder builder, params string[] contentTypes) =>
        builder.WithMetadata(new RequestBodyMetadata(typeof(T), contentTypes.Length == 0 ? ["application/json"] : contentTypes));

    /// <summary>Adds examples of the body <see cref="DescribesBody{T}"/> describes.</summary>
    public static RouteHandlerBuilder WithRequestExamples(this RouteHandlerBuilder builder, IEnumerable<RequestExampleMetadata> examples) =>
        builder.WithMetadata([.. examples]);

    /// <summary>Declares that the endpoint replays the first answer for a repeated Idempotency-Key.</summary>
    public static TBuilder AcceptsIdempotencyKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IdempotencyKeyMetadata()).ProducesProblems(ProblemCodes.IdempotencyKeyInvalid, ProblemCodes.IdempotencyInFlight, ProblemCodes.IdempotencyKeyReused);

    /// <summary>A JSON body's examples as JSON values; any other body's (JSON Lines) as the text itself.</summary>
    private static Dictionary<string, IOpenApiExample>? Examples(string contentType, IReadOnlyList<RequestExampleMetadata> examples) =>
        examples.Count == 0 ? null : examples.ToDictionary(e => e.Name, e => (IOpenApiExample)new OpenApiExample
        {
            Summary = e.Summary,
            Value = contentType is "application/json" || contentType.EndsWith("+json", StringComparison.Ordinal) ? JsonNode.Parse(e.Value) : JsonValue.Create(e.Value),
        });

    private static void DescribeProblems(OpenApiOperation operation, IReadOnlyList<ProblemCode> problems)
    {
        if (problems.Count == 0) return;
        operation.Responses ??= [];
        foreach (var group in problems.GroupBy(p => p.Status))
        {
            var key = group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.TryGetValue(key, out var existing) || existing is not OpenApiResponse response)
            {
                response = new OpenApiResponse();
                operation.Responses[key] = response;
            }
            response.Description = string.Join("; ", group.Select(p => p.Code == ProblemCodes.Validation.Code
                ? "a validation problem: its code is the first field error's, errors[] names every field"
                : $"{p.Code}: {p.Title}"));
            response.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            response.Extensions[ProblemCodesExtension] = new JsonNodeExtension(new JsonArray([.. group.Select(p => JsonValue.Create(p.Code))]));
        }
    }

    private static void DescribeIdempotencyKey(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = IdempotencyKeyHeader,
            In = ParameterLocation.Header,
            Description = "Any unique string (1–255 printable characters). The same key with the same body within 24 hours answers with the first result and Idempotent-Replayed: true.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
        });
    }
}
