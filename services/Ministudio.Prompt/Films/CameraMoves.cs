namespace Ministudio.Prompt.Films;

public static class CameraMoves
{
    public static readonly IReadOnlyList<string> Known = ["static", "push-in", "pan-left", "pan-right"];

    /// <summary>Shots without a camera move alternate gently so consecutive shots never look frozen.</summary>
    public static string Default(int shotIndex) => (shotIndex % 3) switch
    {
        0 => "push-in",
        1 => "pan-right",
        _ => "pan-left",
    };

    public static string Words(string camera) => camera switch
    {
        "push-in" => "slow push-in",
        "pan-left" => "slow pan to the left",
        "pan-right" => "slow pan to the right",
        "static" => "locked-off static camera",
        _ => camera,
    };
}
