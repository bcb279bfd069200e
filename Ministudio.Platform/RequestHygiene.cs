using Microsoft.AspNetCore.Http;

namespace Ministudio.Platform;

/// <summary>
/// <see cref="SafeText"/> for what arrives outside the body: query names and values, and header values (printable
/// ASCII only, which is also all that can be forwarded). JSON bodies are checked where they are read (<see cref="JsonBody"/>).
/// </summary>
public sealed class RequestHygiene(RequestDelegate next)
{
    public const string BadHeaderCode = "request.bad_header";

    public Task InvokeAsync(HttpContext context)
    {
        var errors = new List<FieldError>();
        foreach (var (name, values) in context.Request.Query)
        {
            var problem = SafeText.Violation(name, allowLineBreaks: false)
                          ?? values.Select(value => SafeText.Violation(value, allowLineBreaks: false)).FirstOrDefault(code => code is not null);
            if (problem is not null) errors.Add(new FieldError($"query.{Printable(name)}", problem, SafeText.Describe(problem)));
        }
        foreach (var (name, values) in context.Request.Headers)
        {
            if (!values.All(value => SafeText.IsPrintableAscii(value))) errors.Add(new FieldError($"header.{name}", BadHeaderCode, "Header values must be printable ASCII."));
        }
        return errors.Count == 0 ? next(context) : ApiProblems.Validation(errors).ExecuteAsync(context);
    }

    private static string Printable(string name) => SafeText.Violation(name, allowLineBreaks: false) is null ? name : "?";
}
