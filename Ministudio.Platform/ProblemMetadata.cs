using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Ministudio.Platform;

/// <summary>Endpoint metadata: the catalogue problems an endpoint (or every endpoint of a group) can answer with.</summary>
public sealed record ProblemsMetadata(IReadOnlyList<ProblemCode> Problems);

public static class ProblemMetadataExtensions
{
    public const string ProblemContentType = "application/problem+json";

    /// <summary>Declares the problems an endpoint answers with: a problem+json response per status, and the codes for the API document.</summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params ProblemCode[] problems) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new ProblemsMetadata(problems));
        foreach (var status in problems.Select(p => p.Status).Distinct())
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [ProblemContentType]));
        return builder;
    }

    /// <summary>Everything declared on an endpoint, group conventions included, without repeats.</summary>
    public static IReadOnlyList<ProblemCode> ProblemsOf(EndpointMetadataCollection metadata) =>
        metadata.GetOrderedMetadata<ProblemsMetadata>().SelectMany(m => m.Problems).Distinct().ToList();
}
