namespace Ministudio.Render.Rendering;

/// <summary>Bounds how many shots render at once, so a burst queues instead of thrashing the CPU or GPU.</summary>
public sealed class RenderSlots(int count)
{
    private readonly SemaphoreSlim _slots = new(count, count);

    public async Task<IDisposable> AcquireAsync(CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        return new Slot(_slots);
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
