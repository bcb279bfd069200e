using System.CommandLine;
using System.Text.Json.Nodes;
using Ministudio.Client;

namespace Ministudio.Cli;

/// <summary><c>ministudio library list|create|delete &lt;characters|environments|styles&gt;</c>.</summary>
public static class LibraryCommands
{
    public static Command Create(MinistudioCli cli)
    {
        var library = new Command("library", "Your characters, environments and styles.");

        var listKind = Kind();
        var list = new Command("list", "The items of one kind.") { listKind };
        list.SetAction(cli.WithClient(async (parse, client, ct) =>
        {
            var items = await client.ListLibraryAsync(parse.GetValue(listKind)!, ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(items);
            else foreach (var item in items) await cli.Output.WriteLineAsync($"{item.Id}  {item.Name}");
            return ExitCodes.Ok;
        }));
        library.Add(list);

        var createKind = Kind();
        var file = new Argument<string>("file") { Description = "The item's JSON, as a film embeds it (with a name)." };
        var create = new Command("create", "Save an item from a JSON file.") { createKind, file };
        create.SetAction(cli.WithClient(async (parse, client, ct) =>
        {
            var item = await client.CreateLibraryItemAsync(parse.GetValue(createKind)!, JsonNode.Parse(await CliFiles.ReadJsonAsync(parse.GetValue(file)!, ct))!, ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(item);
            else await cli.Output.WriteLineAsync($"{item.Id}  {item.Name}");
            return ExitCodes.Ok;
        }));
        library.Add(create);

        var deleteKind = Kind();
        var id = new Argument<Guid>("id") { Description = "The item's id." };
        var delete = new Command("delete", "Delete an item.") { deleteKind, id };
        delete.SetAction(cli.WithClient(async (parse, client, ct) =>
        {
            await client.DeleteLibraryItemAsync(parse.GetValue(deleteKind)!, parse.GetValue(id), ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(new { deleted = parse.GetValue(id) });
            else await cli.Output.WriteLineAsync($"deleted {parse.GetValue(id)}");
            return ExitCodes.Ok;
        }));
        library.Add(delete);
        return library;
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

    private static Argument<string> Kind()
    {
        var kind = new Argument<string>("kind") { Description = string.Join(", ", LibraryKinds.All) };
        kind.AcceptOnlyFromAmong([.. LibraryKinds.All]);
        return kind;
    }
}
