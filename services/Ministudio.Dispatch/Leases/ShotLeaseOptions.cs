namespace Ministudio.Dispatch.Leases;

/// <summary>How a shot's owner proves it is alive, and how long a silent owner keeps its shot.</summary>
public sealed class ShotLeaseOptions
{
    public const string Section = "Dispatch:Leases";

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A lease without a heartbeat for this long is taken over by whoever gets the shot next.</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsValid => HeartbeatInterval > TimeSpan.Zero && GracePeriod > HeartbeatInterval;
}
