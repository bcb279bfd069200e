using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ministudio.ServiceDefaults;

/// <summary>The activity source and meter every Ministudio service reports on.</summary>
public static class MinistudioTelemetry
{
    public const string ActivitySourceName = "Ministudio";
    public const string MeterName = "Ministudio";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);
    public static readonly Meter Meter = new(MeterName);
}
