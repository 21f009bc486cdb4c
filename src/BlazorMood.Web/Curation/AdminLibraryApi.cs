using System.Text.Json;
using BlazorMood.Music;
using BlazorMood.Music.Curation;
using BlazorMood.Web.Accounts;
using BlazorMood.Web.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BlazorMood.Web.Curation;

/// <summary><c>{kind, value}</c>; kind is <c>emotion</c>, <c>activity</c>, <c>custom</c> or <c>none</c>.</summary>
public sealed record ContextRequest(string? Kind, string? Value);

/// <summary>A new playlist: its folder name, and optionally its mapping (omitted: by name) and dayparts.</summary>
public sealed record CreatePlaylistRequest(string? Name, ContextRequest? Context, IReadOnlyList<string>? Dayparts);

/// <summary>A playlist's settings: mapping (null: by folder name) and dayparts (empty: any time).</summary>
public sealed record PlaylistSettingsRequest(ContextRequest? Context, IReadOnlyList<string>? Dayparts);

public sealed record RenamePlaylistRequest(string? Name);

public sealed record PinRequest(string? Playlist);

public sealed record MoveTrackRequest(string? Playlist);

/// <summary>A track's editable metadata (the whole set: a missing <c>bpmOverride</c> clears it).</summary>
public sealed record EditTrackRequest(string? Title, string? Artist, double? BpmOverride, IReadOnlyList<string>? Tags);

/// <summary>
/// The curation API for scripts, under <c>/api/admin</c>, for the Admin role only (cookie or API token). Every change
/// goes through <see cref="ILibraryCurator"/>, so it is atomic, confined to the library, and seen by the next
/// <c>GET /api/recommend</c>. Errors are problem+json: 400 bad input, 404 unknown, 409 conflict or confirmation
/// needed, 413 too large, 415 not audio / not JSON, 422 an import with bad entries (listed in <c>problems</c>).
/// </summary>
public static class AdminLibraryApi
{
    public const string BasePath = "/api/admin";

    // Multipart framing around the one file part (boundaries, headers).
    private const long MultipartOverheadBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapAdminLibraryApi(this IEndpointRouteBuilder endpoints)
    {
        // Scripts send API tokens; the page calls the curator directly. A cookie-authenticated POST from another site is
        // not possible (SameSite=Lax), so these JSON/multipart endpoints carry no antiforgery token.
        var admin = endpoints.MapGroup(BasePath).RequireAuthorization(Policies.Admin).DisableAntiforgery().WithTags("Admin");
        admin.MapGet("/library", Library).WithName("AdminLibrary");
        admin.MapPost("/library/reload", ReloadAsync).WithName("AdminReload");
        admin.MapPost("/playlists", CreatePlaylistAsync).WithName("AdminCreatePlaylist");
        admin.MapGet("/playlists/{name}/tracks", PlaylistTracksAsync).WithName("AdminPlaylistTracks");
        admin.MapPut("/playlists/{name}/settings", PlaylistSettingsAsync).WithName("AdminPlaylistSettings");
        admin.MapPost("/playlists/{name}/rename", RenamePlaylistAsync).WithName("AdminRenamePlaylist");
        admin.MapDelete("/playlists/{name}", DeletePlaylistAsync).WithName("AdminDeletePlaylist");
        admin.MapPost("/playlists/{name}/tracks", UploadAsync).WithName("AdminUploadTrack");
        admin.MapGet("/playlists/{name}/metadata", ExportAsync).WithName("AdminExportMetadata");
        admin.MapPut("/playlists/{name}/metadata", ImportAsync).WithName("AdminImportMetadata");
        admin.MapPut("/pin", PinAsync).WithName("AdminPin");
        admin.MapDelete("/pin", UnpinAsync).WithName("AdminUnpin");
        admin.MapGet("/tracks/{id}", TrackAsync).WithName("AdminTrack");
        admin.MapPut("/tracks/{id}", EditTrackAsync).WithName("AdminEditTrack");
        admin.MapPost("/tracks/{id}/move", MoveTrackAsync).WithName("AdminMoveTrack");
        admin.MapPut("/tracks/{id}/ban", (string id, ILibraryCurator c, CancellationToken ct) => BanAsync(id, true, c, ct)).WithName("AdminBan");
        admin.MapDelete("/tracks/{id}/ban", (string id, ILibraryCurator c, CancellationToken ct) => BanAsync(id, false, c, ct)).WithName("AdminUnban");
        admin.MapPut("/tracks/{id}/file", ReplaceFileAsync).WithName("AdminReplaceTrackFile");
        admin.MapDelete("/tracks/{id}", DeleteTrackAsync).WithName("AdminDeleteTrack");
        return endpoints;
    }

    internal static IResult Library(ILibraryCurator curator, CurationStore store)
    {
        var library = curator.Library;
        var curation = curator.Curation;
        return Results.Ok(new LibraryView(curation.PinnedPlaylist, library.LoadedAt, AdminLibraryRows.Playlists(library, curation), library.Problems, store.LoadProblem));
    }

    internal static async Task<IResult> ReloadAsync(ILibraryCurator curator, CurationStore store, CancellationToken ct)
    {
        await curator.ReloadAsync(ct);
        return Library(curator, store);
    }

    internal static async Task<IResult> PlaylistTracksAsync(string name, ILibraryCurator curator, TrackAnalysisNotifier progress, ITrackAnalysisStatus status,
        IOptions<MusicOptions> music, CancellationToken ct)
    {
        var library = curator.Library;
        if (library.FindPlaylist(name) is null)
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown playlist", $"There is no playlist '{Shorten(name)}'.");
        }
        var stored = await status.GetAsync(ct);
        return Results.Ok(AdminLibraryRows.Tracks(library, name, curator.Curation, progress, stored, status.AnalysesInBackground, music.Value.TrackUrlPrefix));
    }

    internal static async Task<IResult> TrackAsync(string id, ILibraryCurator curator, TrackAnalysisNotifier progress, ITrackAnalysisStatus status,
        IOptions<MusicOptions> music, CancellationToken ct)
    {
        if (curator.Library.FindTrack(id) is not { } track)
        {
            return UnknownTrack(id);
        }
        var stored = await status.GetAsync(ct);
        return Results.Ok(AdminLibraryRows.Track(track, curator.Curation, progress, stored, status.AnalysesInBackground, music.Value.TrackUrlPrefix));
    }

    internal static Task<IResult> CreatePlaylistAsync(HttpContext http, ILibraryCurator curator, CancellationToken ct) =>
        WithJsonAsync<CreatePlaylistRequest>(http, async body =>
        {
            var context = ParseContext(body.Context);
            await curator.CreatePlaylistAsync(body.Name ?? "", context, body.Dayparts, ct);
            var row = AdminLibraryRows.Playlists(curator.Library, curator.Curation).First(p => p.Name == body.Name);
            return Results.Created($"{BasePath}/playlists/{body.Name}/tracks", row);
        }, ct);

    internal static Task<IResult> PlaylistSettingsAsync(HttpContext http, string name, ILibraryCurator curator, CancellationToken ct) =>
        WithJsonAsync<PlaylistSettingsRequest>(http, async body =>
        {
            await curator.SetPlaylistSettingsAsync(name, ParseContext(body.Context), body.Dayparts ?? [], ct);
            return Results.Ok(AdminLibraryRows.Playlists(curator.Library, curator.Curation).FirstOrDefault(p => p.Name == name));
        }, ct);

    internal static Task<IResult> RenamePlaylistAsync(HttpContext http, string name, ILibraryCurator curator, CancellationToken ct) =>
        WithJsonAsync<RenamePlaylistRequest>(http, async body =>
        {
            await curator.RenamePlaylistAsync(name, body.Name ?? "", ct);
            return Results.Ok(AdminLibraryRows.Playlists(curator.Library, curator.Curation).FirstOrDefault(p => p.Name == body.Name));
        }, ct);

    /// <summary><c>?tracks=move&amp;to=X</c> moves the tracks first; <c>?tracks=delete</c> confirms they go too; without either a non-empty playlist is refused (409).</summary>
    internal static async Task<IResult> DeletePlaylistAsync(string name, string? tracks, string? to, ILibraryCurator curator, CancellationToken ct)
    {
        PlaylistDeletion deletion;
        switch (tracks?.Trim().ToLowerInvariant())
        {
            case null or "":
                deletion = PlaylistDeletion.OnlyIfEmpty;
                break;
            case "move":
                deletion = new PlaylistDeletion(TrackDisposal.MoveTo, to);
                break;
            case "delete":
                deletion = new PlaylistDeletion(TrackDisposal.Delete);
                break;
            default:
                return Problem(StatusCodes.Status400BadRequest, "Invalid tracks", "tracks must be 'move' (with to=<playlist>) or 'delete'.");
        }
        return await CurateAsync(async () =>
        {
            await curator.DeletePlaylistAsync(name, deletion, ct);
            return Results.NoContent();
        });
    }

    internal static Task<IResult> PinAsync(HttpContext http, ILibraryCurator curator, CancellationToken ct) =>
        WithJsonAsync<PinRequest>(http, async body =>
        {
            if (string.IsNullOrWhiteSpace(body.Playlist))
            {
                return Problem(StatusCodes.Status400BadRequest, "Missing playlist", "Send {\"playlist\": \"<name>\"}; DELETE /api/admin/pin unpins.");
            }
            await curator.PinAsync(body.Playlist, ct);
            return Results.Ok(new PinRequest(curator.Curation.PinnedPlaylist));
        }, ct);

    internal static Task<IResult> UnpinAsync(ILibraryCurator curator, CancellationToken ct) =>
        CurateAsync(async () =>
        {
            await curator.PinAsync(null, ct);
            return Results.NoContent();
        });

    internal static Task<IResult> BanAsync(string id, bool banned, ILibraryCurator curator, CancellationToken ct) =>
        CurateAsync(async () =>
        {
            await curator.SetBannedAsync(id, banned, ct);
            return Results.NoContent();
        });

    internal static Task<IResult> EditTrackAsync(HttpContext http, string id, ILibraryCurator curator, TrackAnalysisNotifier progress, ITrackAnalysisStatus status,
        IOptions<MusicOptions> music, CancellationToken ct) =>
        WithJsonAsync<EditTrackRequest>(http, async body =>
        {
            var track = await curator.UpdateTrackAsync(id, new TrackEdit(body.Title ?? "", body.Artist ?? "", body.BpmOverride, body.Tags ?? []), ct);
            return Results.Ok(AdminLibraryRows.Track(track, curator.Curation, progress, await status.GetAsync(ct), status.AnalysesInBackground, music.Value.TrackUrlPrefix));
        }, ct);

    internal static Task<IResult> MoveTrackAsync(HttpContext http, string id, ILibraryCurator curator, TrackAnalysisNotifier progress, ITrackAnalysisStatus status,
        IOptions<MusicOptions> music, CancellationToken ct) =>
        WithJsonAsync<MoveTrackRequest>(http, async body =>
        {
            var track = await curator.MoveTrackAsync(id, body.Playlist ?? "", ct);
            return Results.Ok(AdminLibraryRows.Track(track, curator.Curation, progress, await status.GetAsync(ct), status.AnalysesInBackground, music.Value.TrackUrlPrefix));
        }, ct);

    internal static Task<IResult> DeleteTrackAsync(string id, ILibraryCurator curator, CancellationToken ct) =>
        CurateAsync(async () =>
        {
            await curator.DeleteTrackAsync(id, ct);
            return Results.NoContent();
        });

    /// <summary>One audio file as a multipart part (<c>curl -F file=@song.mp3</c>), streamed to the library.</summary>
    internal static Task<IResult> UploadAsync(HttpContext http, string name, ILibraryCurator curator, IOptions<CurationOptions> options, CancellationToken ct) =>
        WithFileAsync(http, options.Value.MaxUploadBytes, async (stream, fileName) =>
        {
            var uploaded = await curator.UploadTrackAsync(name, stream, fileName, null, ct);
            return Results.Created($"{BasePath}/tracks/{uploaded.TrackId}", uploaded);
        }, ct);

    internal static Task<IResult> ReplaceFileAsync(HttpContext http, string id, ILibraryCurator curator, IOptions<CurationOptions> options, CancellationToken ct) =>
        WithFileAsync(http, options.Value.MaxUploadBytes, async (stream, fileName) =>
            Results.Ok(await curator.ReplaceTrackFileAsync(id, stream, fileName, null, ct)), ct);

    /// <summary>The stored metadata.json; <c>?format=original</c> keeps only title, artist, duration and filepath.</summary>
    internal static Task<IResult> ExportAsync(string name, string? format, ILibraryCurator curator, CancellationToken ct)
    {
        if (format is not (null or "" or "original" or "full"))
        {
            return Task.FromResult(Problem(StatusCodes.Status400BadRequest, "Invalid format", "format must be 'full' (the stored file, the default) or 'original'."));
        }
        return CurateAsync(async () =>
        {
            var bytes = await curator.ExportMetadataAsync(name, format == "original", ct);
            return Results.File(bytes, "application/json", $"{name}-metadata.json");
        });
    }

    /// <summary>A metadata.json as the JSON body or a multipart file part; <c>?skipInvalid=true</c> writes the valid entries and lists the rest.</summary>
    internal static async Task<IResult> ImportAsync(HttpContext http, string name, bool? skipInvalid, ILibraryCurator curator, IOptions<CurationOptions> options, CancellationToken ct)
    {
        if (http.Request.HasJsonContentType())
        {
            var limit = options.Value.MaxImportBytes;
            if (http.Request.ContentLength > limit)
            {
                return Problem(StatusCodes.Status413PayloadTooLarge, "Too large", $"A metadata.json import is at most {limit} bytes.");
            }
            SetBodyLimit(http, limit);
            try
            {
                return await CurateAsync(async () => Results.Ok(await curator.ImportMetadataAsync(name, http.Request.Body, skipInvalid ?? false, ct)));
            }
            catch (BadHttpRequestException e)
            {
                // A chunked body that passes the limit while being read.
                return e.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? Problem(StatusCodes.Status413PayloadTooLarge, "Too large", $"A metadata.json import is at most {limit} bytes.")
                    : Problem(StatusCodes.Status400BadRequest, "Invalid body", e.Message);
            }
        }
        return await WithFileAsync(http, options.Value.MaxImportBytes, async (stream, _) =>
            Results.Ok(await curator.ImportMetadataAsync(name, stream, skipInvalid ?? false, ct)), ct);
    }

    private static async Task<IResult> WithJsonAsync<T>(HttpContext http, Func<T, Task<IResult>> handle, CancellationToken ct) where T : class
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<T>(http, ct);
        return problem ?? await CurateAsync(() => handle(body!));
    }

    private static async Task<IResult> WithFileAsync(HttpContext http, long limit, Func<Stream, string?, Task<IResult>> handle, CancellationToken ct)
    {
        var request = http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Multipart expected", "Send the file as multipart/form-data with one file part (e.g. curl -F file=@song.mp3).");
        }
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad multipart", "The multipart body has no valid boundary.");
        }
        if (request.ContentLength is { } declared && declared > limit + MultipartOverheadBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Too large", $"The file is larger than the limit of {limit} bytes.");
        }
        // Kestrel's 30 MB default would cut a long FLAC; the cap is the option plus the framing.
        SetBodyLimit(http, limit + MultipartOverheadBytes);
        return await CurateAsync(async () =>
        {
            try
            {
                var reader = new MultipartReader(boundary, request.Body);
                while (await reader.ReadNextSectionAsync(ct) is { } section)
                {
                    if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                    {
                        continue;
                    }
                    var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    return await handle(section.Body, fileName);
                }
                return Problem(StatusCodes.Status400BadRequest, "No file", "No file part in the form (e.g. field 'file').");
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Problem(StatusCodes.Status413PayloadTooLarge, "Too large", $"The file is larger than the limit of {limit} bytes.");
            }
            catch (BadHttpRequestException e)
            {
                return Problem(StatusCodes.Status400BadRequest, "Invalid body", "The request body could not be read: " + e.Message);
            }
            catch (InvalidDataException e)
            {
                return Problem(StatusCodes.Status400BadRequest, "Bad multipart", "The multipart body could not be read: " + e.Message);
            }
            catch (IOException e) when (Hosting.ClientErrors.IsMalformedBody(e))
            {
                return Problem(StatusCodes.Status400BadRequest, "Bad multipart", "The multipart body ended before its closing boundary.");
            }
        });
    }

    /// <summary>Runs a curation call and turns its refusal into problem+json.</summary>
    private static async Task<IResult> CurateAsync(Func<Task<IResult>> call)
    {
        try
        {
            return await call();
        }
        catch (CurationException e)
        {
            var (status, title) = e.Error switch
            {
                CurationError.NotFound => (StatusCodes.Status404NotFound, "Not found"),
                CurationError.Conflict => (StatusCodes.Status409Conflict, "Conflict"),
                CurationError.ConfirmationRequired => (StatusCodes.Status409Conflict, "Confirmation required"),
                CurationError.TooLarge => (StatusCodes.Status413PayloadTooLarge, "Too large"),
                CurationError.UnsupportedMedia => (StatusCodes.Status415UnsupportedMediaType, "Unsupported file"),
                CurationError.InvalidEntries => (StatusCodes.Status422UnprocessableEntity, "Invalid entries"),
                _ => (StatusCodes.Status400BadRequest, "Invalid request"),
            };
            return Results.Problem(statusCode: status, title: title, detail: e.Message,
                extensions: e.Problems.Count > 0 ? new Dictionary<string, object?> { ["problems"] = e.Problems } : null);
        }
    }

    private static PlaylistContext? ParseContext(ContextRequest? context)
    {
        if (context is null)
        {
            return null;
        }
        if (!AdminLibraryRows.TryParseKind(context.Kind, out var kind))
        {
            throw new CurationException(CurationError.Invalid, "context.kind must be 'emotion', 'activity', 'custom' or 'none'.");
        }
        return new PlaylistContext(kind, context.Value ?? "");
    }

    private static void SetBodyLimit(HttpContext http, long limit)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit;
        }
    }

    private static IResult UnknownTrack(string id) => Problem(StatusCodes.Status404NotFound, "Unknown track", $"No track '{Shorten(id)}' in the music library.");

    private static string Shorten(string s) => s.Length > 64 ? s[..64] + "…" : s;

    private static IResult Problem(int status, string title, string detail) => Results.Problem(statusCode: status, title: title, detail: detail);
}
