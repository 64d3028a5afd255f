; Inno Setup 6 script of the NWRC Desktop installer for Windows (64-bit).
;
; Build the PyInstaller bundle first, then compile this script from the repository root:
;     .venv\Scripts\pyinstaller --noconfirm --clean --distpath dist installer\nwrc-desktop.spec
;     "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 installer\nwrc-desktop.iss
; The installer is written to dist\installer\nwrc-desktop-<version>-setup.exe.
;
; The site's data (database, backups, log files) lives in the per-user application data folder,
; %LOCALAPPDATA%\NWRC\NWRC Desktop, and the site's secrets live in Windows Credential Manager.
; This installer never writes there, and the uninstaller removes only the files it installed, so
; uninstalling or upgrading keeps every site's data.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\dist\nwrc-desktop"
#endif
#define AppName "NWRC Desktop"
#define GuiExe "nwrc-desktop-gui.exe"

[Setup]
; AppId ties upgrades and the uninstaller to earlier installations; it must never change.
AppId={{68B8BBD4-85AB-4499-85DF-BF0392A61E61}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=NWRC
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Installs for all users by default; the dialog lets someone without administrator rights install for themselves.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Setup uses Restart Manager to offer closing a running NWRC Desktop before its files are replaced.
CloseApplications=yes
SetupIconFile=nwrc-desktop.ico
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppName}
OutputDir=..\dist\installer
OutputBaseFilename=nwrc-desktop-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] entry names the data folder: the site's records must survive an uninstall.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
  begin
    DataDir := ExpandConstant('{localappdata}\NWRC\NWRC Desktop');
    if DirExists(DataDir) then
      MsgBox('NWRC Desktop was removed. The site''s data was kept in' + #13#10 + DataDir + #13#10#13#10 +
             'Installing NWRC Desktop again opens it. Delete that folder only after copying a backup ' +
             'from its backups folder.', mbInformation, MB_OK);
  end;
end;
