using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Ministudio.Platform.Trust;

namespace Ministudio.Bench.Micro;

/// <summary>
/// The signed service assertion on every forwarded request: the gateway mints one for the request's tenant, the service
/// behind it verifies it.
/// </summary>
[MemoryDiagnoser]
public class ServiceTrustBenchmarks
{
    private readonly ServiceAssertions _assertions = new(
        Options.Create(new ServiceTrustOptions { SigningKey = "bench-signing-key-0123456789abcdef0123456789abcdef" }), TimeProvider.System);
    private readonly Guid _tenant = Guid.NewGuid();
    private string _minted = "";

    [GlobalSetup]
    public void Setup() => _minted = _assertions.Mint("gateway", _tenant, "ms_live_abcd", "0af7651916cd43dd8448eb211c80319c");

    [Benchmark]
    public string MintTenantAssertion() => _assertions.Mint("gateway", _tenant, "ms_live_abcd", "0af7651916cd43dd8448eb211c80319c");

    [Benchmark]
    public bool VerifyTenantAssertion() => _assertions.TryVerify(_minted, out _);
}
