using Ministudio.Cli;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
return await MinistudioCli.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, stop.Token);
