namespace Ministudio.ServiceDefaults;

/// <summary>One lower-case word per resource: config key, service-discovery name, OTEL_SERVICE_NAME, k8s name.</summary>
public static class ResourceNames
{
    public const string Gateway = "gateway";
    public const string Prompt = "prompt";
    public const string Dispatch = "dispatch";
    public const string Render = "render";
    public const string Compose = "compose";
    public const string Mcp = "mcp";
    public const string Redis = "redis";
    public const string RabbitMq = "rabbitmq";
    public const string Postgres = "postgres";
}
