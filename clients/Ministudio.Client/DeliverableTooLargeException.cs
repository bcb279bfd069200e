namespace Ministudio.Client;

/// <summary>A deliverable longer than the caller would hold in memory; its message names the size and where to download it.</summary>
public sealed class DeliverableTooLargeException(string message) : InvalidOperationException(message);
