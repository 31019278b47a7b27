namespace PartnerWeb.ClientTests;

/// <summary>One answer the app gave the generated client, as it came over the wire.</summary>
public sealed record RecordedResponse(string Method, string Path, int Status, string? MediaType, string Body, string Sent)
{
    public override string ToString() => $"{Method} {Path} {Sent} → {Status} {Body}";
}

/// <summary>Keeps every response (its body buffered, so the client still reads it) for validation after the run.</summary>
public sealed class RecordingHandler(List<RecordedResponse> responses) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sent = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        lock (responses)
        {
            responses.Add(new(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode,
                response.Content.Headers.ContentType?.MediaType, body, sent));
        }
        return response;
    }
}
