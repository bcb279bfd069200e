namespace Ministudio.AppHost.Hosting;

/// <summary>The platform could not start: the message names the resource and, where there is one, the tail of its log.</summary>
public sealed class DistributedApplicationException(string message, Exception? innerException = null)
    : Exception(message, innerException);
