using System.Threading.Channels;

namespace PartnerWeb.Features.Billing;

/// <summary>
/// Group commit for Stripe payments. Webhook requests hand their claim to one loop that takes every
/// claim waiting at that moment (up to <see cref="MaxBatch"/>) and decides them in one transaction
/// (<see cref="InvoicePayments.PayManyAsync"/>): one commit, one fsync and one accrual job for the
/// whole group instead of one each. A request is answered only after the commit that holds its
/// claim, as before. With one request in flight the batch is that request alone, so nothing waits
/// for company. If a batch fails, each of its claims is decided on its own (<see cref="InvoicePayments.PayAsync"/>),
/// so one bad claim cannot fail the others.
/// </summary>
public sealed class PaymentBatcher(IServiceScopeFactory scopes, ILogger<PaymentBatcher> logger) : IAsyncDisposable
{
    public const int MaxBatch = 64;

    private sealed record Pending(PaymentClaim Claim, TaskCompletionSource<PaymentOutcome> Done);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _starting = new();
    private Task? _loop;

    /// <summary>The claim's outcome once its batch is committed. The request's cancellation does not cancel a claim already queued.</summary>
    public Task<PaymentOutcome> PayAsync(PaymentClaim claim)
    {
        var pending = new Pending(claim, new TaskCompletionSource<PaymentOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_loop is null)
        {
            // The loop outlives the request that starts it: it must not carry that request's
            // HttpContext, user, activity or log scopes into every later group.
            lock (_starting)
            {
                using (ExecutionContext.SuppressFlow()) _loop ??= Task.Run(LoopAsync);
            }
        }
        if (!_queue.Writer.TryWrite(pending)) return AloneAsync(claim);
        return pending.Done.Task;
    }

    private async Task LoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            if (batch.Count > 0) await DecideAsync(batch);
        }
    }

    private async Task DecideAsync(List<Pending> batch)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var outcomes = await scope.ServiceProvider.GetRequiredService<InvoicePayments>()
                .PayManyAsync(batch.Select(p => p.Claim).ToList(), CancellationToken.None);
            for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(outcomes[i]);
            return;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A batch of {Count} payments was not committed; deciding each on its own", batch.Count);
        }
        foreach (var pending in batch)
        {
            try
            {
                pending.Done.TrySetResult(await AloneAsync(pending.Claim));
            }
            catch (Exception ex)
            {
                pending.Done.TrySetException(ex);
            }
        }
    }

    private async Task<PaymentOutcome> AloneAsync(PaymentClaim claim)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<InvoicePayments>().PayAsync(claim, CancellationToken.None);
    }

    /// <summary>Claims already queued are still decided; later ones are decided one by one by their callers.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null) await _loop;
    }
}
