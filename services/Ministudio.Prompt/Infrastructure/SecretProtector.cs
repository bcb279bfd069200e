using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Ministudio.Prompt.Infrastructure;

/// <summary>
/// Encrypts secrets before they are stored (ASP.NET Core Data Protection: authenticated encryption, rotating keys).
/// Each kind of secret has its own purpose, and each secret is bound to its owner, so a ciphertext copied to another
/// row or kind does not decrypt.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    /// <summary>Fixed, so every replica (and every release) reads the same key ring.</summary>
    public const string ApplicationName = "ministudio";

    public static class Kinds
    {
        public const string ProviderSecret = "ministudio.provider-secret.v1";
    }

    public string Protect(string kind, string owner, string plaintext) => provider.CreateProtector(kind, owner).Protect(plaintext);

    public string Unprotect(string kind, string owner, string ciphertext) => provider.CreateProtector(kind, owner).Unprotect(ciphertext);
}

/// <summary>The Data Protection key ring in PostgreSQL (table data_protection_keys), so all replicas share it.</summary>
public sealed class PostgresXmlRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = dataSource.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY created_at");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read()) elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = dataSource.CreateCommand(
            "INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@name, @xml) ON CONFLICT (friendly_name) DO NOTHING");
        command.Parameters.AddWithValue("name", string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString() : friendlyName);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}
