namespace Ministudio.Prompt.Jobs;

/// <summary>
/// The public paths of a job and its files. They are handed out through <see cref="Platform.PublicUrls"/>, which puts
/// the public address in front: a route-generated URL would carry prompt's internal address behind the gateway.
/// </summary>
public static class JobPaths
{
    public static string Job(Guid id) => $"/v1/jobs/{id}";

    public static string Video(Guid id) => $"{Job(id)}/video";

    public static string File(Guid id, string name) => $"{Job(id)}/{name}";

    public static string ShotVideo(Guid id, int index) => $"{Job(id)}/shots/{index}/video";
}
