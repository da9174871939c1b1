# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
WORKDIR C:\app
COPY app\ C:\app\
RUN powershell -Command `
    Write-Host 'hello'
USER ContainerUser
CMD ["C:\\app\\run.exe"]
