using System.CommandLine;
using System.Text.Json.Nodes;
using Ministudio.Client;

namespace Ministudio.Cli;

/// <summary>
/// <c>ministudio library characters|environments|styles list|create|delete</c>, and the same as
/// <c>ministudio library list|create|delete &lt;kind&gt;</c>.
/// </summary>
public static class LibraryCommands
{
    public static Command Create(MinistudioCli cli)
    {
        var library = new Command("library", "Your characters, environments and styles.");
        foreach (var kind in LibraryKinds.All)
        {
            var items = new Command(kind, $"Your {kind}: list, create, delete.");
            items.Add(List(cli, kind));
            items.Add(CreateItem(cli, kind));
            items.Add(Delete(cli, kind));
            library.Add(items);
        }
        // The kind after the verb, as the first releases took it.
        library.Add(List(cli, kind: null));
        library.Add(CreateItem(cli, kind: null));
        library.Add(Delete(cli, kind: null));
        return library;
    }

    /// <param name="kind">The kind, or null: the command's first argument names it.</param>
    private static Command List(MinistudioCli cli, string? kind)
    {
        var list = new Command("list", "The items of one kind.");
        var kindOf = KindOf(list, kind);
        list.SetAction(cli.WithClient(async (parse, client, ct) =>
        {
            var items = await client.ListLibraryAsync(kindOf(parse), ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(items);
            else foreach (var item in items) await cli.Output.WriteLineAsync($"{item.Id}  {item.Name}");
            return ExitCodes.Ok;
        }));
        return list;
    }

    private static Command CreateItem(MinistudioCli cli, string? kind)
    {
        var create = new Command("create", "Save an item from a JSON file.");
        var kindOf = KindOf(create, kind);
        var file = new Argument<string>("file") { Description = "The item's JSON, as a film embeds it (with a name)." };
        create.Add(file);
        create.SetAction(cli.WithClient(async (parse, client, ct) =>
        {
            var item = await client.CreateLibraryItemAsync(kindOf(parse), JsonNode.Parse(await CliFiles.ReadJsonAsync(parse.GetValue(file)!, ct))!, ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(item);
            else await cli.Output.WriteLineAsync($"{item.Id}  {item.Name}");
            return ExitCodes.Ok;
        }));
        return create;
    }

    private static Command Delete(MinistudioCli cli, string? kind)
    {
        var delete = new Command("delete", "Delete an item.");
        var kindOf = KindOf(delete, kind);
        var id = new Argument<Guid>("id") { Description = "The item's id." };
        delete.Add(id);
        delete.SetAction(cli.WithClient(async (parse, client, ct) =>
        {
            await client.DeleteLibraryItemAsync(kindOf(parse), parse.GetValue(id), ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(new { deleted = parse.GetValue(id) });
            else await cli.Output.WriteLineAsync($"deleted {parse.GetValue(id)}");
            return ExitCodes.Ok;
        }));
        return delete;
    }

    /// <summary>The given kind, or a first argument added to the command that names one.</summary>
    private static Func<ParseResult, string> KindOf(Command command, string? kind)
    {
        if (kind is not null) return _ => kind;
        var argument = new Argument<string>("kind") { Description = string.Join(", ", LibraryKinds.All) };
        argument.AcceptOnlyFromAmong([.. LibraryKinds.All]);
        command.Add(argument);
        return parse => parse.GetValue(argument)!;
    }

    /// <summary><c>ministudio images upload &lt;file&gt;</c>: a reference image for characters and shots.</summary>
    public static Command Images(MinistudioCli cli)
    {
        var images = new Command("images", "Reference images (PNG, JPEG, WebP) characters and shots can point at by SHA-256.");
        var file = new Argument<string>("file") { Description = "The image file (.png, .jpg, .jpeg, .webp)." };
        var type = new Option<string?>("--content-type") { Description = "image/png, image/jpeg or image/webp (default: from the file's extension)." };
        var upload = new Command("upload", "Upload an image; answers its SHA-256, the id films use.") { file, type };
        upload.SetAction(cli.WithClient(async (parse, client, ct) =>
        {
            var path = parse.GetValue(file)!;
            await CliFiles.ReadBytesAsync(path, ct); // a missing file is one usage line, before any upload
            ReferenceImage image;
            try
            {
                image = await client.UploadImageAsync(path, parse.GetValue(type), ct);
            }
            catch (ArgumentException unknownType)
            {
                throw new CliUsageException($"{path}: {unknownType.Message.Split(" (Parameter")[0]}");
            }
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(image);
            else await cli.Output.WriteLineAsync($"{image.Sha256}  {image.ContentType}  {image.Bytes} bytes");
            return ExitCodes.Ok;
        }));
        images.Add(upload);
        return images;
    }
}
